package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Augment;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The augmentations of {@code cnn.augment}, applied to one normalised C×H×W image in place:
 * pad-4 random crop ({@code crop4}), horizontal flip ({@code flip}), brightness/contrast jitter
 * ({@code jitter}), cutout ({@code cutout}, one square of side/4 set to the mean) and random erasing
 * ({@code erase}). Training data only; validation and test images are never augmented.
 */
public final class Augmentation {

    private static final int PAD = 4;
    /** torchvision's RandomErasing defaults: probability, area fraction range, aspect ratio range, tries to fit. */
    private static final float ERASE_PROBABILITY = 0.5f;
    private static final double ERASE_MIN_AREA = 0.02;
    private static final double ERASE_MAX_AREA = 0.33;
    private static final double ERASE_LOG_MIN_RATIO = Math.log(0.3);
    private static final double ERASE_LOG_MAX_RATIO = Math.log(3.3);
    private static final int ERASE_TRIES = 10;

    private final boolean crop;
    private final boolean flip;
    private final boolean jitter;
    private final boolean cutout;
    private final boolean erase;
    private float[] scratch = new float[0];

    public Augmentation(List<Augment> augments) {
        crop = augments.contains(Augment.CROP4);
        flip = augments.contains(Augment.FLIP);
        jitter = augments.contains(Augment.JITTER);
        cutout = augments.contains(Augment.CUTOUT);
        erase = augments.contains(Augment.ERASE);
    }

    public boolean isNone() {
        return !crop && !flip && !jitter && !cutout && !erase;
    }

    /** Augments {@code image[offset … offset+c*h*w)}, padding crops with zeros (the channel means after normalisation). */
    void apply(float[] image, int offset, int c, int h, int w, Random random) {
        apply(image, offset, c, h, w, random, new float[c]);
    }

    /**
     * The same, padding crops with {@code padding[channel]}: black, as torchvision pads the raw image
     * before normalising. Padding with the mean instead (grey on Fashion-MNIST's black background)
     * trains on borders no test image has.
     */
    void apply(float[] image, int offset, int c, int h, int w, Random random, float[] padding) {
        if (crop) {
            crop(image, offset, c, h, w, random.nextInt(2 * PAD + 1) - PAD, random.nextInt(2 * PAD + 1) - PAD, padding);
        }
        if (flip && random.nextBoolean()) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int row = offset + (ch * h + y) * w;
                    for (int x = 0; x < w / 2; x++) {
                        float t = image[row + x];
                        image[row + x] = image[row + w - 1 - x];
                        image[row + w - 1 - x] = t;
                    }
                }
            }
        }
        if (jitter) {
            float contrast = 0.8f + 0.4f * random.nextFloat();
            float brightness = 0.4f * (random.nextFloat() - 0.5f);
            for (int i = offset, end = offset + c * h * w; i < end; i++) {
                image[i] = image[i] * contrast + brightness;
            }
        }
        if (cutout) {
            int size = Math.max(1, h / 4);
            int cy = random.nextInt(h);
            int cx = random.nextInt(w);
            int top = Math.max(0, cy - size / 2);
            int left = Math.max(0, cx - size / 2);
            zeroRectangle(image, offset, c, h, w, top, left,
                    Math.min(h, cy + size / 2 + 1) - top, Math.min(w, cx + size / 2 + 1) - left);
        }
        if (erase && random.nextFloat() < ERASE_PROBABILITY) {
            erase(image, offset, c, h, w, random);
        }
    }

    /** A rectangle of random area and aspect ratio set to zero (the mean after normalisation), when one fits in ten tries. */
    private static void erase(float[] image, int offset, int c, int h, int w, Random random) {
        for (int attempt = 0; attempt < ERASE_TRIES; attempt++) {
            double area = h * w * (ERASE_MIN_AREA + (ERASE_MAX_AREA - ERASE_MIN_AREA) * random.nextDouble());
            double ratio = Math.exp(ERASE_LOG_MIN_RATIO + (ERASE_LOG_MAX_RATIO - ERASE_LOG_MIN_RATIO) * random.nextDouble());
            int eh = (int) Math.round(Math.sqrt(area * ratio));
            int ew = (int) Math.round(Math.sqrt(area / ratio));
            if (eh >= 1 && ew >= 1 && eh < h && ew < w) {
                int top = random.nextInt(h - eh + 1);
                int left = random.nextInt(w - ew + 1);
                zeroRectangle(image, offset, c, h, w, top, left, eh, ew);
                return;
            }
        }
    }

    /** Sets the same rectangle of every channel to zero, the mean after normalisation. */
    private static void zeroRectangle(float[] image, int offset, int c, int h, int w,
                                      int top, int left, int height, int width) {
        for (int ch = 0; ch < c; ch++) {
            for (int y = top; y < top + height; y++) {
                int row = offset + (ch * h + y) * w + left;
                Arrays.fill(image, row, row + width, 0f);
            }
        }
    }

    /** Shift by (dy, dx), filling with the padding: the same as padding by 4 and cropping at a random offset. */
    private void crop(float[] image, int offset, int c, int h, int w, int dy, int dx, float[] padding) {
        int n = c * h * w;
        if (scratch.length < n) {
            scratch = new float[n];
        }
        System.arraycopy(image, offset, scratch, 0, n);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                int row = offset + (ch * h + y) * w;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(image, row, row + w, padding[ch]);
                    continue;
                }
                int srcRow = (ch * h + sy) * w;
                for (int x = 0; x < w; x++) {
                    int sx = x + dx;
                    image[row + x] = sx < 0 || sx >= w ? padding[ch] : scratch[srcRow + sx];
                }
            }
        }
    }
}
