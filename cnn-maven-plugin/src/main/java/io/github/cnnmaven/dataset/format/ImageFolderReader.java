package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Reads image folders: one sub-folder per class holding PNG or JPEG files, decoded with ImageIO
 * and resized to a square RGB image.
 */
public final class ImageFolderReader {

    private ImageFolderReader() {
    }

    /** The labelled files of one split: class name to files, classes sorted by name. */
    public static Map<String, List<Path>> listClasses(Path root) throws IOException, DatasetFormatException {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "is not a directory");
        }
        Map<String, List<Path>> classes = new TreeMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                List<Path> images = new ArrayList<>();
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ImageFolderReader::isImage)) {
                    files.forEach(images::add);
                }
                if (images.isEmpty()) {
                    throw new DatasetFormatException(dir, "class folder '" + name + "' holds no PNG or JPEG images");
                }
                images.sort(null);
                classes.put(name, images);
            }
        }
        if (classes.isEmpty()) {
            throw new DatasetFormatException(root, "holds no class folders; expected one sub-folder of images per class");
        }
        return classes;
    }

    /** A PNG or JPEG by its name (not a hidden file): what folder datasets, and predict, read. */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && !name.startsWith(".")
                && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    /**
     * Decodes the files (in parallel: decoding dominates) into {@code side}×{@code side} RGB images,
     * held as bytes in chunks, so a set may exceed one array's 2 GB. A set whose bytes do not fit in
     * the heap is decoded from its files image by image when training asks for it (every file is
     * decoded once here all the same, so a bad image fails now, not in the middle of training).
     *
     * @param files      each file with its label, an index into {@code classNames}
     */
    public static ImageSet read(List<Map.Entry<Path, Integer>> files, List<String> classNames, int side)
            throws DatasetFormatException {
        Runtime rt = Runtime.getRuntime();
        return read(files, classNames, side, rt.maxMemory() - rt.totalMemory() + rt.freeMemory(), ImageSet.CHUNK_BYTES);
    }

    /** The same, within {@code heapBytes} of free heap, in chunks of at most {@code chunkBytes}. */
    static ImageSet read(List<Map.Entry<Path, Integer>> files, List<String> classNames, int side, long heapBytes,
                         int chunkBytes) throws DatasetFormatException {
        int imageBytes = 3 * side * side;
        long total = (long) files.size() * imageBytes;
        int[] labels = files.stream().mapToInt(Map.Entry::getValue).toArray();
        // what the rest of training keeps on the heap is small (ND4J's arrays live off it); leave a fifth
        if (total > heapBytes * 0.8) {
            forEachInParallel(files.size(), i -> decodeInto(files.get(i).getKey(), side, new byte[imageBytes], 0));
            return ImageSet.decodedPerImage(3, side, side, (i, target, offset) -> {
                try {
                    decodeInto(files.get(i).getKey(), side, target, offset);
                } catch (DatasetFormatException e) {
                    throw new IllegalStateException(e.getMessage() + " (it was readable when training started)", e);
                }
            }, labels, classNames);
        }
        int perChunk = ImageSet.imagesPerChunk(imageBytes, chunkBytes);
        byte[][] chunks = ImageSet.allocate(files.size(), imageBytes, perChunk);
        forEachInParallel(files.size(), i -> decodeInto(files.get(i).getKey(), side, chunks[i / perChunk],
                (i % perChunk) * imageBytes));
        return new ImageSet(3, side, side, chunks, perChunk, labels, classNames);
    }

    private interface Decoding {
        void decode(int image) throws DatasetFormatException;
    }

    /** Runs {@code decoding} for images 0..n-1 in parallel; the first failure is thrown. */
    private static void forEachInParallel(int n, Decoding decoding) throws DatasetFormatException {
        AtomicReference<DatasetFormatException> failure = new AtomicReference<>();
        IntStream.range(0, n).parallel().forEach(i -> {
            if (failure.get() != null) {
                return;
            }
            try {
                decoding.decode(i);
            } catch (DatasetFormatException e) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Convenience: every image below {@code root}, labelled by its class folder. */
    public static ImageSet read(Path root, int side) throws IOException, DatasetFormatException {
        Map<String, List<Path>> classes = listClasses(root);
        List<String> names = new ArrayList<>(classes.keySet());
        return read(label(classes, names), names, side);
    }

    /** Pairs each file with the index of its class in {@code classNames}. */
    public static List<Map.Entry<Path, Integer>> label(Map<String, List<Path>> classes, List<String> classNames) {
        List<Map.Entry<Path, Integer>> labelled = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : new LinkedHashMap<>(classes).entrySet()) {
            int label = classNames.indexOf(e.getKey());
            for (Path file : e.getValue()) {
                labelled.add(Map.entry(file, label));
            }
        }
        return labelled;
    }

    static void decodeInto(Path file, int side, byte[] target, int offset) throws DatasetFormatException {
        decode(file, 3, side, side, target, offset);
    }

    /**
     * Decodes a PNG or JPEG, resized (bilinear) to {@code width}×{@code height}, into {@code target}
     * at {@code offset} as channel planes: red, green, blue for 3 channels, grey (ImageIO's luminance
     * conversion) for 1. This is how training images from folders are read, so new images given to a
     * trained model are prepared as its training images were.
     */
    public static void decode(Path file, int channels, int height, int width, byte[] target, int offset)
            throws DatasetFormatException {
        BufferedImage source;
        try {
            source = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file, "unreadable image (" + e.getMessage() + ")", e);
        }
        if (source == null) {
            throw new DatasetFormatException(file, "unreadable image: not a PNG or JPEG that ImageIO can decode");
        }
        BufferedImage resized = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        int plane = width * height;
        if (channels == 1) {
            byte[] grey = (byte[]) resized.getRaster().getDataElements(0, 0, width, height, null);
            System.arraycopy(grey, 0, target, offset, plane);
            return;
        }
        int[] argb = resized.getRGB(0, 0, width, height, null, 0, width);
        for (int p = 0; p < plane; p++) {
            target[offset + p] = (byte) (argb[p] >> 16);
            target[offset + plane + p] = (byte) (argb[p] >> 8);
            target[offset + 2 * plane + p] = (byte) argb[p];
        }
    }
}
