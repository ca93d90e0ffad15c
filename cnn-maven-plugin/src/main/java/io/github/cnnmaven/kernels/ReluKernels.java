package io.github.cnnmaven.kernels;

import java.nio.FloatBuffer;

/**
 * ReLU forward and backward over contiguous float tensors of any shape, as plain Java: each sweep
 * copies a block at a time into a small array (so the loop runs on the L1 cache and the JIT can
 * vectorise it) and splits the blocks between the cores. One read and one write forward, two reads
 * and one write backward, where DL4J's activation layer copies its input first both ways.
 */
final class ReluKernels {

    /** Floats per block: 16 KB, a quarter of a typical L1 data cache. */
    private static final int BLOCK = 4096;

    private ReluKernels() {
    }

    /** {@code y = max(x, 0)}. */
    static void forward(FloatBuffer x, FloatBuffer y, int length) {
        forEachBlock(length, (from, to) -> {
            float[] v = new float[BLOCK];
            for (int at = from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, to - at);
                x.get(at, v, 0, n);
                for (int i = 0; i < n; i++) {
                    v[i] = Math.max(v[i], 0f);
                }
                y.put(at, v, 0, n);
            }
        });
    }

    /** {@code y = max(a + b, 0)}: a residual addition and its ReLU ({@link ReluSumVertex}). */
    static void sumForward(FloatBuffer a, FloatBuffer b, FloatBuffer y, int length) {
        forEachBlock(length, (from, to) -> {
            float[] u = new float[BLOCK];
            float[] v = new float[BLOCK];
            for (int at = from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, to - at);
                a.get(at, u, 0, n);
                b.get(at, v, 0, n);
                for (int i = 0; i < n; i++) {
                    u[i] = Math.max(u[i] + v[i], 0f);
                }
                y.put(at, u, 0, n);
            }
        });
    }

    /** {@code dx = dy} where {@code x > 0}, else 0: the gradient of {@link #forward}. */
    static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int length) {
        forEachBlock(length, (from, to) -> {
            float[] xs = new float[BLOCK];
            float[] g = new float[BLOCK];
            for (int at = from; at < to; at += BLOCK) {
                int n = Math.min(BLOCK, to - at);
                x.get(at, xs, 0, n);
                dy.get(at, g, 0, n);
                for (int i = 0; i < n; i++) {
                    // branch-free step, 1 for x of at least 2^-127 and 0 for 0 and negatives: see
                    // BatchNormKernels' mask for why (half the inputs are negative, at random)
                    g[i] *= Math.min(1f, Math.max(xs[i], 0f) * 0x1p127f);
                }
                dx.put(at, g, 0, n);
            }
        });
    }

    /** A range of the tensor, whole blocks except at its end. */
    private interface Range {
        void run(int from, int to);
    }

    private static void forEachBlock(int length, Range body) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        int parts = Math.max(1, Math.min(blocks, BatchNormKernels.partsPerTensor()));
        BatchNormKernels.forEachPart(parts, part -> body.run(
                (int) Math.min(length, (long) blocks * part / parts * BLOCK),
                (int) Math.min(length, (long) blocks * (part + 1) / parts * BLOCK)));
    }
}
