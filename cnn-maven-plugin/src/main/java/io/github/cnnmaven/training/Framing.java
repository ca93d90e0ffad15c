package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Augment;

import java.util.Random;

/**
 * How a stored image becomes the network's input. Images from folders are stored at
 * {@code cnn.resizeTo} when {@code resizecrop} or {@code randomresizedcrop} is on, larger than the
 * input: training takes a random crop (or a random region resized to the input, as torchvision's
 * {@code RandomResizedCrop}), validation and evaluation take the centre, so they are deterministic.
 *
 * @param side the input's side in pixels
 */
public record Framing(Mode mode, int side) implements java.io.Serializable {

    /** What part of the stored image the input is made of. */
    public enum Mode {
        /** The stored image is the input. */
        WHOLE,
        /** The centre {@code side}×{@code side}. */
        CENTRE,
        /** A {@code side}×{@code side} square at a random place. */
        RANDOM_CROP,
        /** A region of 8-100 % of the area with an aspect ratio from 3/4 to 4/3, resized to the input. */
        RANDOM_RESIZED_CROP
    }

    // torchvision's RandomResizedCrop defaults
    private static final double MIN_SCALE = 0.08;
    private static final double LOG_MIN_RATIO = Math.log(3.0 / 4);
    private static final double LOG_MAX_RATIO = Math.log(4.0 / 3);

    /** The stored image as it is. */
    public static Framing whole(int side) {
        return new Framing(Mode.WHOLE, side);
    }

    /** Training: the augmentation's crop, or the centre when the stored image is larger and none is set. */
    public static Framing forTraining(Augment cropping, int storedSide, int inputSide) {
        if (cropping == Augment.RANDOMRESIZEDCROP) {
            return new Framing(Mode.RANDOM_RESIZED_CROP, inputSide);
        }
        if (cropping == Augment.RESIZECROP && storedSide > inputSide) {
            return new Framing(Mode.RANDOM_CROP, inputSide);
        }
        return forEvaluation(storedSide, inputSide);
    }

    /** Validation, evaluation and prediction: the centre when the stored image is larger than the input. */
    public static Framing forEvaluation(int storedSide, int inputSide) {
        if (inputSide > storedSide) {
            throw new IllegalArgumentException("the input (" + inputSide + " px) is larger than the stored images ("
                    + storedSide + " px)");
        }
        return new Framing(storedSide == inputSide ? Mode.WHOLE : Mode.CENTRE, inputSide);
    }

    /** The region of an {@code h}×{@code w} stored image to take: {top, left, height, width}. */
    int[] region(int h, int w, Random random) {
        switch (mode) {
            case WHOLE -> {
                return new int[] {0, 0, h, w};
            }
            case CENTRE -> {
                return new int[] {(h - side) / 2, (w - side) / 2, side, side};
            }
            case RANDOM_CROP -> {
                return new int[] {random.nextInt(h - side + 1), random.nextInt(w - side + 1), side, side};
            }
            default -> {
                double area = (double) h * w;
                for (int attempt = 0; attempt < 10; attempt++) {
                    double target = area * (MIN_SCALE + (1 - MIN_SCALE) * random.nextDouble());
                    double ratio = Math.exp(LOG_MIN_RATIO + (LOG_MAX_RATIO - LOG_MIN_RATIO) * random.nextDouble());
                    int cw = (int) Math.round(Math.sqrt(target * ratio));
                    int ch = (int) Math.round(Math.sqrt(target / ratio));
                    if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                        return new int[] {random.nextInt(h - ch + 1), random.nextInt(w - cw + 1), ch, cw};
                    }
                }
                return new int[] {0, 0, h, w}; // torchvision falls back to the whole (square) image too
            }
        }
    }

    /**
     * Writes the region of one stored image ({@code c} byte planes of {@code h}×{@code w} at
     * {@code src}), normalised through the per-channel {@code tables}, into {@code side}×{@code side}
     * planes of {@code target} at {@code dst}: copied when the region is the input's size, resized
     * bilinearly (pixel centres aligned, as torchvision) otherwise.
     */
    void write(byte[] pixels, int src, int c, int h, int w, float[][] tables, Random random, float[] target, int dst) {
        write(pixels, src, c, h, w, tables, region(h, w, random), target, dst);
    }

    /** The same for the region {@code r}: {top, left, height, width}. */
    void write(byte[] pixels, int src, int c, int h, int w, float[][] tables, int[] r, float[] target, int dst) {
        int plane = h * w;
        int out = side * side;
        if (r[2] == side && r[3] == side) {
            for (int ch = 0; ch < c; ch++) {
                float[] table = tables[ch];
                for (int y = 0; y < side; y++) {
                    int from = src + ch * plane + (r[0] + y) * w + r[1];
                    int to = dst + ch * out + y * side;
                    for (int x = 0; x < side; x++) {
                        target[to + x] = table[pixels[from + x] & 0xff];
                    }
                }
            }
            return;
        }
        double sy = (double) r[2] / side;
        double sx = (double) r[3] / side;
        for (int y = 0; y < side; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), r[2] - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, r[2] - 1);
            float wy = (float) (fy - y0);
            for (int x = 0; x < side; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), r[3] - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, r[3] - 1);
                float wx = (float) (fx - x0);
                for (int ch = 0; ch < c; ch++) {
                    float[] table = tables[ch];
                    int base = src + ch * plane;
                    int row0 = base + (r[0] + y0) * w + r[1];
                    int row1 = base + (r[0] + y1) * w + r[1];
                    float top = table[pixels[row0 + x0] & 0xff] * (1 - wx) + table[pixels[row0 + x1] & 0xff] * wx;
                    float bottom = table[pixels[row1 + x0] & 0xff] * (1 - wx) + table[pixels[row1 + x1] & 0xff] * wx;
                    target[dst + ch * out + y * side + x] = top * (1 - wy) + bottom * wy;
                }
            }
        }
    }
}
