package io.github.cnnmaven.kernels;

import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The arithmetic of batch normalisation over an NCHW float tensor, with the ReLU that follows it
 * folded in, as plain Java over each image's contiguous channel planes. Each sweep copies one plane
 * at a time into a small array (so the loops run on the L1 cache and the JIT can vectorise them)
 * and splits the images between the cores.
 *
 * <ul>
 *   <li>Forward, training: {@link #statistics} (one read), then {@link #normalise} (one read, one
 *       write, the ReLU applied in the same loop).</li>
 *   <li>Backward: {@link #reduce} (reads x and dy; the ReLU mask is recomputed from x rather than
 *       stored) gives Σg and Σg·(x−μ) per channel; then {@link #inputGradient} (reads x and dy,
 *       writes dx).</li>
 * </ul>
 *
 * Statistics are combined plane by plane with Chan's parallel formula in double, so they do not
 * suffer the cancellation of E[x²] − E[x]² when a channel's mean is large against its spread.
 */
final class BatchNormKernels {

    /** An NCHW tensor's dimensions: {@code images × channels} planes of {@code plane} values. */
    record Dims(int images, int channels, int plane) {
    }

    private BatchNormKernels() {
    }

    /** Per-channel mean and biased variance (the variance batch norm normalises with). */
    static void statistics(FloatBuffer x, Dims d, double[] mean, double[] variance) {
        int c = d.channels();
        int parts = parts(d);
        double[][] counts = new double[parts][];
        double[][] means = new double[parts][];
        double[][] m2s = new double[parts][];
        forEachPart(parts, part -> {
            double[] count = new double[c];
            double[] mu = new double[c];
            double[] m2 = new double[c];
            float[] plane = new float[d.plane()];
            for (int n = first(part, parts, d); n < first(part + 1, parts, d); n++) {
                for (int ch = 0; ch < c; ch++) {
                    x.get(offset(d, n, ch), plane, 0, plane.length);
                    double planeMean = sum(plane) / plane.length;
                    float rounded = (float) planeMean;
                    // deviations are summed about the float mean: Σ(x−m)² = Σ(x−m′)² − n(m−m′)²
                    double m2Plane = squaredDeviations(plane, rounded)
                            - plane.length * (planeMean - rounded) * (planeMean - rounded);
                    merge(count, mu, m2, ch, plane.length, planeMean, Math.max(0, m2Plane));
                }
            }
            counts[part] = count;
            means[part] = mu;
            m2s[part] = m2;
        });
        double[] count = counts[0];
        double[] mu = means[0];
        double[] m2 = m2s[0];
        for (int part = 1; part < parts; part++) {
            for (int ch = 0; ch < c; ch++) {
                merge(count, mu, m2, ch, counts[part][ch], means[part][ch], m2s[part][ch]);
            }
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = mu[ch];
            variance[ch] = Math.max(0, m2[ch] / count[ch]);
        }
    }

    /** {@code y = x·scale + shift} per channel, and {@code max(0, y)} when {@code relu}. */
    static void normalise(FloatBuffer x, FloatBuffer y, Dims d, float[] scale, float[] shift, boolean relu) {
        int parts = parts(d);
        forEachPart(parts, part -> {
            float[] plane = new float[d.plane()];
            for (int n = first(part, parts, d); n < first(part + 1, parts, d); n++) {
                for (int ch = 0; ch < d.channels(); ch++) {
                    int at = offset(d, n, ch);
                    x.get(at, plane, 0, plane.length);
                    float s = scale[ch];
                    float t = shift[ch];
                    if (relu) {
                        for (int i = 0; i < plane.length; i++) {
                            plane[i] = Math.max(plane[i] * s + t, 0f);
                        }
                    } else {
                        for (int i = 0; i < plane.length; i++) {
                            plane[i] = plane[i] * s + t;
                        }
                    }
                    y.put(at, plane, 0, plane.length);
                }
            }
        });
    }

    /**
     * The backward pass's reductions: per channel {@code Σg} and {@code Σg·(x−mean)}, where
     * {@code g} is dy, zeroed where the forward pre-activation {@code x·scale + shift} was not
     * positive when {@code relu}.
     */
    static void reduce(FloatBuffer x, FloatBuffer dy, Dims d, float[] scale, float[] shift, float[] mean, boolean relu,
                       double[] sumG, double[] sumGxc) {
        int c = d.channels();
        int parts = parts(d);
        double[][] g = new double[parts][];
        double[][] gx = new double[parts][];
        forEachPart(parts, part -> {
            double[] sg = new double[c];
            double[] sgx = new double[c];
            float[] xs = new float[d.plane()];
            float[] dys = new float[d.plane()];
            for (int n = first(part, parts, d); n < first(part + 1, parts, d); n++) {
                for (int ch = 0; ch < c; ch++) {
                    loadGradient(x, dy, offset(d, n, ch), xs, dys, relu, scale[ch], shift[ch]);
                    float m = mean[ch];
                    float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
                    int i = 0;
                    for (; i + 3 < xs.length; i += 4) {
                        a0 += dys[i];
                        a1 += dys[i + 1];
                        a2 += dys[i + 2];
                        a3 += dys[i + 3];
                        b0 += dys[i] * (xs[i] - m);
                        b1 += dys[i + 1] * (xs[i + 1] - m);
                        b2 += dys[i + 2] * (xs[i + 2] - m);
                        b3 += dys[i + 3] * (xs[i + 3] - m);
                    }
                    for (; i < xs.length; i++) {
                        a0 += dys[i];
                        b0 += dys[i] * (xs[i] - m);
                    }
                    sg[ch] += (double) a0 + a1 + a2 + a3;
                    sgx[ch] += (double) b0 + b1 + b2 + b3;
                }
            }
            g[part] = sg;
            gx[part] = sgx;
        });
        for (int ch = 0; ch < c; ch++) {
            double a = 0;
            double b = 0;
            for (int part = 0; part < parts; part++) {
                a += g[part][ch];
                b += gx[part][ch];
            }
            sumG[ch] = a;
            sumGxc[ch] = b;
        }
    }

    /**
     * {@code dx = a·g + b·x + k} per channel, with {@code g} masked as in {@link #reduce}; the
     * coefficients fold the batch-norm gradient's mean and variance terms.
     */
    static void inputGradient(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, Dims d, float[] scale, float[] shift,
                              boolean relu, float[] a, float[] b, float[] k) {
        int parts = parts(d);
        forEachPart(parts, part -> {
            float[] xs = new float[d.plane()];
            float[] dys = new float[d.plane()];
            for (int n = first(part, parts, d); n < first(part + 1, parts, d); n++) {
                for (int ch = 0; ch < d.channels(); ch++) {
                    int at = offset(d, n, ch);
                    loadGradient(x, dy, at, xs, dys, relu, scale[ch], shift[ch]);
                    float ac = a[ch];
                    float bc = b[ch];
                    float kc = k[ch];
                    for (int i = 0; i < xs.length; i++) {
                        dys[i] = ac * dys[i] + bc * xs[i] + kc;
                    }
                    dx.put(at, dys, 0, dys.length);
                }
            }
        });
    }

    /** One plane of x and of g: dy, masked by the forward pass's ReLU when {@code relu}. */
    private static void loadGradient(FloatBuffer x, FloatBuffer dy, int at, float[] xs, float[] g, boolean relu, float s, float t) {
        x.get(at, xs, 0, xs.length);
        dy.get(at, g, 0, g.length);
        if (relu) {
            mask(xs, g, s, t);
        }
    }

    /** Zeroes {@code dy} where the forward pass's ReLU input {@code x·s + t} was not positive. */
    private static void mask(float[] x, float[] dy, float s, float t) {
        for (int i = 0; i < x.length; i++) {
            // The same float expression as normalise(), so the mask is the forward pass's. The step
            // is 1 for inputs of at least 2^-127 and 0 for 0 and negatives, without a branch: half
            // the inputs are negative at random, a branch mispredicted that often made this loop
            // the slowest part of the backward pass, and min/max/multiply let the JIT vectorise it.
            // (Only subnormal inputs, below 6e-39, would get a fraction.)
            dy[i] *= Math.min(1f, Math.max(x[i] * s + t, 0f) * 0x1p127f);
        }
    }

    private static double sum(float[] v) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < v.length; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < v.length; i++) {
            s0 += v[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    private static double squaredDeviations(float[] v, float mean) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < v.length; i += 4) {
            float d0 = v[i] - mean;
            float d1 = v[i + 1] - mean;
            float d2 = v[i + 2] - mean;
            float d3 = v[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < v.length; i++) {
            float d0 = v[i] - mean;
            s0 += d0 * d0;
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** Chan et al.'s pairwise update of a running (count, mean, M2) with another group's. */
    private static void merge(double[] count, double[] mean, double[] m2, int ch, double nb, double meanB, double m2b) {
        double na = count[ch];
        double total = na + nb;
        double delta = meanB - mean[ch];
        mean[ch] += delta * nb / total;
        m2[ch] += m2b + delta * delta * na * nb / total;
        count[ch] = total;
    }

    private static int offset(Dims d, int image, int channel) {
        return (image * d.channels() + channel) * d.plane();
    }

    private static int parts(Dims d) {
        return Math.max(1, Math.min(d.images(), partsPerTensor()));
    }

    /**
     * A common pool set to no workers of its own (parallelism 0: a fork on one thread, or one whose batch is
     * split among one-threaded workers, see fork.ForkConfiguration): every part would run on the calling
     * thread anyway, and two callers forking parts at once spun forever in JDK 17's {@code helpComplete}.
     */
    private static final boolean NO_POOL_WORKERS =
            "0".equals(System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "").trim());

    /** A few parts per core, so that a core that starts late or runs slow does not hold the others up; one without workers. */
    static int partsPerTensor() {
        return NO_POOL_WORKERS ? 1 : 4 * (ForkJoinPool.getCommonPoolParallelism() + 1);
    }

    private static int first(int part, int parts, Dims d) {
        return (int) ((long) d.images() * part / parts);
    }

    static void forEachPart(int parts, java.util.function.IntConsumer body) {
        if (parts == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, parts).parallel().forEach(body);
        }
    }
}
