package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR binary format: fixed-size records of label byte(s) followed by 1024 red, 1024
 * green and 1024 blue bytes of a 32×32 image, already in the channel-major layout of
 * {@link ImageSet}, so reading is a bulk copy (60,000 images well under a second).
 */
public final class CifarReader {

    public static final int SIDE = 32;
    public static final int IMAGE_BYTES = 3 * SIDE * SIDE;

    private final String formatName;
    private final int labelBytes;
    private final int labelIndex;

    /**
     * @param formatName for messages ("CIFAR-10")
     * @param labelBytes label bytes per record: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100
     * @param labelIndex which of them is the label
     */
    public CifarReader(String formatName, int labelBytes, int labelIndex) {
        this.formatName = formatName;
        this.labelBytes = labelBytes;
        this.labelIndex = labelIndex;
    }

    public static CifarReader cifar10() {
        return new CifarReader("CIFAR-10", 1, 0);
    }

    public static CifarReader cifar100(boolean coarse) {
        return new CifarReader("CIFAR-100", 2, coarse ? 0 : 1);
    }

    public int recordBytes() {
        return labelBytes + IMAGE_BYTES;
    }

    /** Reads the batch files in order, stopping after {@code limit} images in total. */
    public ImageSet read(List<Path> batches, List<String> classNames, int limit) throws IOException, DatasetFormatException {
        int record = recordBytes();
        long available = 0;
        for (Path batch : batches) {
            long size = Files.size(batch);
            if (size == 0 || size % record != 0) {
                throw new DatasetFormatException(batch, size + " bytes is not a whole number of " + record + "-byte "
                        + formatName + " records; the file is truncated or not " + formatName + " binary");
            }
            available += size / record;
        }
        int count = (int) Math.min(available, limit);
        byte[] pixels = new byte[count * IMAGE_BYTES];
        int[] labels = new int[count];
        byte[] chunk = new byte[record * 1024];
        int image = 0;
        for (Path batch : batches) {
            if (image == count) {
                break;
            }
            try (InputStream in = Files.newInputStream(batch)) {
                int recordInFile = 0;
                while (image < count) {
                    int want = Math.min(chunk.length / record, count - image) * record;
                    int got = in.readNBytes(chunk, 0, want);
                    if (got == 0) {
                        break;
                    }
                    for (int offset = 0; offset < got; offset += record, image++, recordInFile++) {
                        int label = chunk[offset + labelIndex] & 0xff;
                        if (label >= classNames.size()) {
                            throw new DatasetFormatException(batch, "record " + recordInFile + " has label " + label
                                    + ", outside 0.." + (classNames.size() - 1) + " for " + classNames.size() + " classes");
                        }
                        labels[image] = label;
                        System.arraycopy(chunk, offset + labelBytes, pixels, image * IMAGE_BYTES, IMAGE_BYTES);
                    }
                }
            }
        }
        return new ImageSet(3, SIDE, SIDE, pixels, labels, classNames);
    }

    /** Class names, one per non-blank line (the format of {@code batches.meta.txt} and its CIFAR-100 siblings). */
    public static List<String> readLabelNames(Path file, int expected) throws IOException, DatasetFormatException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "label-name file is missing");
        }
        List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (expected > 0 && names.size() != expected) {
            throw new DatasetFormatException(file, "has " + names.size() + " label names, expected " + expected);
        }
        return names;
    }
}
