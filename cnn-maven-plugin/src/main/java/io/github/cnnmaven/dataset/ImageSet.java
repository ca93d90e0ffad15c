package io.github.cnnmaven.dataset;

import java.util.List;
import java.util.Objects;

/**
 * Labelled images held as unsigned bytes, channel-major per image (C×H×W, the CIFAR record layout
 * and what a CNN consumes), with no dependency on ND4J so readers stay cheap to test. 60,000
 * CIFAR images take 184 MB.
 */
public final class ImageSet {

    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    public ImageSet(int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("shape must be positive: " + channels + "x" + height + "x" + width);
        }
        this.size = labels.length;
        if ((long) size * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes do not hold " + size + " images of "
                    + channels + "x" + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = Objects.requireNonNull(pixels);
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < size; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1));
            }
        }
    }

    public int size() {
        return size;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The backing array; image {@code i} starts at {@code i * imageBytes()}. Not copied: do not modify. */
    public byte[] pixels() {
        return pixels;
    }

    public int label(int i) {
        return labels[i];
    }

    /** The backing array; not copied: do not modify. */
    public int[] labels() {
        return labels;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Unsigned value of one pixel. */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[image * imageBytes() + (channel * height + y) * width + x] & 0xff;
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The images at {@code indices}, in that order. */
    public ImageSet select(int[] indices) {
        int bytes = imageBytes();
        byte[] p = new byte[indices.length * bytes];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * bytes, p, i * bytes, bytes);
            l[i] = labels[indices[i]];
        }
        return new ImageSet(channels, height, width, p, l, classNames);
    }

    /** The first {@code n} images, or this set when it has no more than {@code n}. */
    public ImageSet limit(int n) {
        if (n >= size) {
            return this;
        }
        int bytes = imageBytes();
        return new ImageSet(channels, height, width, java.util.Arrays.copyOf(pixels, n * bytes),
                java.util.Arrays.copyOf(labels, n), classNames);
    }

    public String shape() {
        return height + "x" + width + "x" + channels;
    }

    @Override
    public String toString() {
        return size + " images " + shape() + ", " + numClasses() + " classes";
    }
}
