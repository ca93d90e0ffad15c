package io.github.cnnmaven.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Labelled images held as unsigned bytes, channel-major per image (C×H×W, the CIFAR record layout
 * and what a CNN consumes), with no dependency on ND4J so readers stay cheap to test. 60,000
 * CIFAR images take 184 MB. A set larger than one Java array can hold (2 GB, such as 11,788 birds
 * at 512 pixels: 9.3 GB) is held in chunks of whole images; {@link #chunk} and {@link #offset}
 * locate an image either way. A set too large for the heap is not held at all: it decodes each image
 * from its file when asked ({@link #decodedPerImage}), into a buffer of the asking thread.
 */
public final class ImageSet {

    /** The most bytes one chunk holds: Java arrays stop short of 2 GB. */
    public static final int CHUNK_BYTES = 1 << 30;

    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[][] chunks;
    private final int imagesPerChunk;
    /** Decodes image i into a buffer at an offset; null when the set holds its bytes. */
    private final Decoder decoder;
    private final ThreadLocal<byte[]> decoded;

    /** Decodes one image of a set that is not held in memory. */
    @FunctionalInterface
    public interface Decoder {
        /** Writes image {@code image}'s C×H×W bytes into {@code target} at {@code offset}. */
        void decode(int image, byte[] target, int offset);
    }
    private final int[] labels;
    private final List<String> classNames;

    /** A set in one array. */
    public ImageSet(int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
        this(channels, height, width, new byte[][] {Objects.requireNonNull(pixels)}, Math.max(1, labels.length), labels,
                classNames);
    }

    /**
     * A set in chunks: image {@code i} is in {@code chunks[i / imagesPerChunk]}; every chunk but the
     * last holds {@code imagesPerChunk} images (see {@link #allocate}).
     */
    public ImageSet(int channels, int height, int width, byte[][] chunks, int imagesPerChunk, int[] labels,
                    List<String> classNames) {
        this(channels, height, width, checked(chunks, imagesPerChunk, labels.length, channels, height, width), imagesPerChunk,
                null, labels, classNames);
    }

    /**
     * A set that holds no pixels: {@link #chunk} decodes image {@code i} with {@code decoder} into a
     * buffer of the calling thread, valid until that thread's next call.
     */
    public static ImageSet decodedPerImage(int channels, int height, int width, Decoder decoder, int[] labels,
                                           List<String> classNames) {
        return new ImageSet(channels, height, width, null, 1, Objects.requireNonNull(decoder), labels, classNames);
    }

    private ImageSet(int channels, int height, int width, byte[][] chunks, int imagesPerChunk, Decoder decoder, int[] labels,
                     List<String> classNames) {
        checkShape(channels, height, width);
        this.size = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.chunks = chunks;
        this.imagesPerChunk = imagesPerChunk;
        this.decoder = decoder;
        int bytes = channels * height * width;
        this.decoded = decoder == null ? null : ThreadLocal.withInitial(() -> new byte[bytes]);
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < size; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1));
            }
        }
    }

    private static void checkShape(int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("shape must be positive: " + channels + "x" + height + "x" + width);
        }
    }

    /** {@code chunks}, once checked to hold {@code size} images laid out as the chunked constructor says. */
    private static byte[][] checked(byte[][] chunks, int imagesPerChunk, int size, int channels, int height, int width) {
        checkShape(channels, height, width);
        long imageBytes = (long) channels * height * width;
        long held = 0;
        for (int i = 0; i < chunks.length; i++) {
            long expected = imageBytes * (i < chunks.length - 1 ? imagesPerChunk
                    : size - (long) imagesPerChunk * (chunks.length - 1));
            if (chunks[i].length != expected) {
                throw new IllegalArgumentException((chunks.length == 1 ? "" : "chunk " + i + ": ") + chunks[i].length
                        + " pixel bytes do not hold " + (expected / imageBytes) + " images of " + channels + "x" + height
                        + "x" + width);
            }
            held += chunks[i].length;
        }
        if (held != imageBytes * size) {
            throw new IllegalArgumentException(held + " pixel bytes do not hold " + size + " images of "
                    + channels + "x" + height + "x" + width);
        }
        return chunks;
    }

    /** Whether the images are decoded from their files when asked for, not held. */
    public boolean isDecodedPerImage() {
        return decoder != null;
    }

    /** How many images of {@code imageBytes} one chunk of at most {@code chunkBytes} holds. */
    public static int imagesPerChunk(int imageBytes, int chunkBytes) {
        return Math.max(1, chunkBytes / imageBytes);
    }

    /** Empty chunks for {@code count} images of {@code imageBytes}, as the chunked constructor lays them out. */
    public static byte[][] allocate(int count, int imageBytes, int imagesPerChunk) {
        int n = Math.max(1, (count + imagesPerChunk - 1) / imagesPerChunk);
        byte[][] chunks = new byte[n][];
        for (int i = 0; i < n; i++) {
            int images = i < n - 1 ? imagesPerChunk : count - imagesPerChunk * (n - 1);
            chunks[i] = new byte[Math.multiplyExact(images, imageBytes)];
        }
        return chunks;
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

    /**
     * The backing array of a set held in one; image {@code i} starts at {@code i * imageBytes()}. Not
     * copied: do not modify. A chunked set has none: use {@link #chunk} and {@link #offset}.
     */
    public byte[] pixels() {
        if (chunks == null) {
            throw new IllegalStateException("a set of " + size + " images decoded from their files when asked for");
        }
        if (chunks.length != 1) {
            throw new IllegalStateException("a set of " + size + " images held in " + chunks.length + " chunks");
        }
        return chunks[0];
    }

    /**
     * The array that holds image {@code i} (from {@link #offset}); not copied: do not modify. For a set
     * decoded per image, this thread's buffer with the image just decoded into it, valid until the
     * thread's next call.
     */
    public byte[] chunk(int image) {
        if (decoder != null) {
            byte[] buffer = decoded.get();
            decoder.decode(image, buffer, 0);
            return buffer;
        }
        return chunks[image / imagesPerChunk];
    }

    /** Where image {@code i} starts in {@link #chunk}. */
    public int offset(int image) {
        return decoder != null ? 0 : (image % imagesPerChunk) * imageBytes();
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

    /** Unsigned value of one pixel (a set decoded per image decodes it for each call: loop over {@link #chunk}). */
    public int pixel(int image, int channel, int y, int x) {
        return chunk(image)[offset(image) + (channel * height + y) * width + x] & 0xff;
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The images at {@code indices}, in that order (chunked, or decoded per image, as this set is). */
    public ImageSet select(int[] indices) {
        if (decoder != null) {
            int[] picked = indices.clone();
            int[] l = new int[picked.length];
            Arrays.setAll(l, i -> labels[picked[i]]);
            return decodedPerImage(channels, height, width, (i, target, offset) -> decoder.decode(picked[i], target, offset),
                    l, classNames);
        }
        int bytes = imageBytes();
        byte[][] out = allocate(indices.length, bytes, imagesPerChunk);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(chunk(indices[i]), offset(indices[i]), out[i / imagesPerChunk], (i % imagesPerChunk) * bytes,
                    bytes);
            l[i] = labels[indices[i]];
        }
        return new ImageSet(channels, height, width, out, imagesPerChunk, l, classNames);
    }

    /** The first {@code n} images, or this set when it has no more than {@code n}. */
    public ImageSet limit(int n) {
        if (n >= size) {
            return this;
        }
        int[] first = new int[n];
        Arrays.setAll(first, i -> i);
        return select(first);
    }

    public String shape() {
        return height + "x" + width + "x" + channels;
    }

    @Override
    public String toString() {
        return size + " images " + shape() + ", " + numClasses() + " classes";
    }
}
