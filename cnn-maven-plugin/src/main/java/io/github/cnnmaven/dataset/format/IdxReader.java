package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (MNIST, Fashion-MNIST), gzipped or not: an image file (magic 0x00000803, then
 * count, rows, columns) and its label file (magic 0x00000801, then count), as single-channel images.
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int MAX_SIDE = 4096;

    private IdxReader() {
    }

    public static ImageSet read(Path imagesFile, Path labelsFile, List<String> classNames, int limit)
            throws IOException, DatasetFormatException {
        try (DataInputStream images = open(imagesFile); DataInputStream labels = open(labelsFile)) {
            int magic = readInt(images, imagesFile);
            if (magic != IMAGES_MAGIC) {
                throw new DatasetFormatException(imagesFile, String.format(
                        "bad IDX magic number 0x%08x, expected 0x%08x (unsigned bytes, 3 dimensions) for an image file",
                        magic, IMAGES_MAGIC));
            }
            int count = readInt(images, imagesFile);
            int rows = readInt(images, imagesFile);
            int cols = readInt(images, imagesFile);
            if (count <= 0 || rows <= 0 || cols <= 0 || rows > MAX_SIDE || cols > MAX_SIDE) {
                throw new DatasetFormatException(imagesFile, "impossible IDX dimensions " + count + " x " + rows + " x " + cols);
            }
            int labelMagic = readInt(labels, labelsFile);
            if (labelMagic != LABELS_MAGIC) {
                throw new DatasetFormatException(labelsFile, String.format(
                        "bad IDX magic number 0x%08x, expected 0x%08x (unsigned bytes, 1 dimension) for a label file",
                        labelMagic, LABELS_MAGIC));
            }
            int labelCount = readInt(labels, labelsFile);
            if (labelCount != count) {
                throw new DatasetFormatException(labelsFile, "holds " + labelCount + " labels but " + imagesFile.getFileName()
                        + " holds " + count + " images");
            }
            int n = Math.min(count, limit);
            int imageBytes = rows * cols;
            byte[] pixels = new byte[n * imageBytes];
            byte[] labelBytes = new byte[n];
            readFully(images, pixels, imagesFile, "images");
            readFully(labels, labelBytes, labelsFile, "labels");
            if (n == count) {
                if (images.read() != -1) {
                    throw new DatasetFormatException(imagesFile, "has bytes after the " + count + " images its header declares");
                }
                if (labels.read() != -1) {
                    throw new DatasetFormatException(labelsFile, "has bytes after the " + count + " labels its header declares");
                }
            }
            int[] labelInts = new int[n];
            for (int i = 0; i < n; i++) {
                int label = labelBytes[i] & 0xff;
                if (label >= classNames.size()) {
                    throw new DatasetFormatException(labelsFile, "label " + i + " is " + label + ", outside 0.."
                            + (classNames.size() - 1));
                }
                labelInts[i] = label;
            }
            return new ImageSet(1, rows, cols, pixels, labelInts, classNames);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in);
    }

    private static int readInt(DataInputStream in, Path file) throws IOException, DatasetFormatException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "ends inside the IDX header", e);
        }
    }

    private static void readFully(DataInputStream in, byte[] target, Path file, String what)
            throws IOException, DatasetFormatException {
        int got = in.readNBytes(target, 0, target.length);
        if (got != target.length) {
            throw new DatasetFormatException(file, "ends after " + got + " of the " + target.length + " bytes of " + what
                    + " that its header declares; the file is truncated");
        }
    }
}
