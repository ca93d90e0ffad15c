package io.github.cnnmaven.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Max pooling over non-overlapping windows of contiguous NCHW float tensors, as plain Java: each plane (one channel of
 * one image) is copied into a small array, pooled there, and the planes are split between the cores.
 */
final class MaxPoolKernels {

    /**
     * {@code planes} planes of {@code height}×{@code width}, windows of {@code kernelH}×{@code kernelW} at that stride,
     * {@code outH}×{@code outW} of them (rows and columns past the last whole window are left out, as DL4J's Truncate mode).
     */
    record Geometry(int planes, int height, int width, int kernelH, int kernelW, int outH, int outW) {
        int in() {
            return height * width;
        }

        int out() {
            return outH * outW;
        }
    }

    private MaxPoolKernels() {
    }

    /** {@code dx} = each window's gradient {@code dy} at the window's maximum in {@code x}, zero elsewhere. */
    static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, Geometry g) {
        forEachPlanes(g, (from, to) -> {
            float[] in = new float[g.in()];
            float[] grad = new float[g.out()];
            float[] result = new float[g.in()];
            for (int p = from; p < to; p++) {
                x.get(p * g.in(), in, 0, g.in());
                dy.get(p * g.out(), grad, 0, g.out());
                Arrays.fill(result, 0f);
                if (g.kernelH() == 2 && g.kernelW() == 2) {
                    route2x2(in, grad, result, g);
                } else {
                    for (int oy = 0; oy < g.outH(); oy++) {
                        for (int ox = 0; ox < g.outW(); ox++) {
                            result[argmax(in, g, oy, ox)] = grad[oy * g.outW() + ox];
                        }
                    }
                }
                dx.put(p * g.in(), result, 0, g.in());
            }
        });
    }

    /**
     * The 2×2 windows, the common case, without a branch: which of two values is the larger is half the time one, half
     * the other, and the JIT's branches for {@code b > a ? …} mispredicted so often that the pass ran three times
     * slower. The first maximum of (a, b) and of (c, d), then the first of those two: the first in row-major order, as
     * {@link #argmax}.
     */
    private static void route2x2(float[] in, float[] grad, float[] result, Geometry g) {
        int w = g.width();
        for (int oy = 0; oy < g.outH(); oy++) {
            int row = 2 * oy * w;
            int at = oy * g.outW();
            for (int ox = 0; ox < g.outW(); ox++) {
                int r = row + 2 * ox;
                float a = in[r];
                float b = in[r + 1];
                float c = in[r + w];
                float d = in[r + w + 1];
                int right = greater(b, a);
                int lowerRight = greater(d, c);
                int down = greater(Math.max(c, d), Math.max(a, b));
                result[r + down * w + right + down * (lowerRight - right)] = grad[at + ox];
            }
        }
    }

    /**
     * 1 when {@code x > y}, else 0, from the sign of {@code y − x}: the difference of two different floats is never
     * zero, and adding +0 turns the −0 of {@code −0 − (+0)} into +0, so equal values (of either zero) give 0.
     */
    static int greater(float x, float y) {
        return Float.floatToRawIntBits((y - x) + 0f) >>> 31;
    }

    /** The index in the plane of the window's maximum: the first in row-major order on ties (a strict comparison). */
    private static int argmax(float[] in, Geometry g, int oy, int ox) {
        int best = oy * g.kernelH() * g.width() + ox * g.kernelW();
        float max = in[best];
        for (int ky = 0; ky < g.kernelH(); ky++) {
            int row = (oy * g.kernelH() + ky) * g.width() + ox * g.kernelW();
            for (int kx = 0; kx < g.kernelW(); kx++) {
                if (in[row + kx] > max) {
                    max = in[row + kx];
                    best = row + kx;
                }
            }
        }
        return best;
    }

    private interface Planes {
        void run(int from, int to);
    }

    private static void forEachPlanes(Geometry g, Planes body) {
        int parts = Math.max(1, Math.min(g.planes(), BatchNormKernels.partsPerTensor()));
        BatchNormKernels.forEachPart(parts, part -> body.run((int) ((long) g.planes() * part / parts),
                (int) ((long) g.planes() * (part + 1) / parts)));
    }
}
