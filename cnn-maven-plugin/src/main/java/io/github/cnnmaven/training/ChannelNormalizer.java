package io.github.cnnmaven.training;

import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.output.ModelMetadata;

/**
 * Per-channel mean and standard deviation of the training split (in 0..1 pixel units), applied to
 * every batch and saved inside the model so evaluation normalises test images the same way.
 */
public record ChannelNormalizer(double[] mean, double[] std) implements java.io.Serializable {

    /** The normaliser a model was trained with, from its metadata. */
    public static ChannelNormalizer of(ModelMetadata metadata) {
        return new ChannelNormalizer(metadata.mean(), metadata.std());
    }

    /** Statistics over the images at {@code indices} (the training split, never validation or test). */
    public static ChannelNormalizer fit(ImageSet set, int[] indices) {
        int c = set.channels();
        int plane = set.height() * set.width();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        for (int i : indices) {
            byte[] px = set.chunk(i);
            int base = set.offset(i);
            for (int ch = 0; ch < c; ch++) {
                long s = 0;
                long sq = 0;
                for (int p = base + ch * plane, end = p + plane; p < end; p++) {
                    int v = px[p] & 0xff;
                    s += v;
                    sq += (long) v * v;
                }
                sum[ch] += s;
                sumSq[ch] += sq;
            }
        }
        double n = (double) indices.length * plane;
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / n;
            double var = Math.max(0, sumSq[ch] / n - m * m);
            mean[ch] = m / 255.0;
            std[ch] = Math.max(1e-3, Math.sqrt(var) / 255.0);
        }
        return new ChannelNormalizer(mean, std);
    }

    /** Lookup tables byte → normalised float, one per channel, so normalising costs one array read. */
    float[][] tables() {
        float[][] t = new float[mean.length][256];
        for (int ch = 0; ch < mean.length; ch++) {
            for (int v = 0; v < 256; v++) {
                t[ch][v] = (float) ((v / 255.0 - mean[ch]) / std[ch]);
            }
        }
        return t;
    }
}
