package probe;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Times resnet20's three 3×3 convolution shapes (batch 128) forward and both backward passes: libnd4j's conv2d and
 * conv2d_bp as DL4J's layers call them (NCHW in and out), then oneDNN called directly, each primitive created
 * once, its tensors in the layouts oneDNN chooses (blocked) so no reorder runs per call, with the direct and the
 * Winograd algorithm. Checks first that both libraries compute the same forward result in one JVM. Prints "PROBE"
 * lines: milliseconds per call, the median of the timed repetitions.
 */
public class Probe {

    static final int N = 128;
    static final int WARMUP = 5;
    static final int REPEATS = 20;

    public static void main(String[] args) {
        Nd4j.getRandom().setSeed(1);
        System.out.println("PROBE ND4J " + Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend")
                + ", its build: " + System.getProperty("org.bytedeco.javacpp.platform.extension"));
        engine cpu = new engine(engine.kind.cpu, 0);
        stream s = new stream(cpu);
        System.out.println("PROBE oneDNN preset loaded beside it: version " + dnnl_version().major() + "."
                + dnnl_version().minor() + "." + dnnl_version().patch() + ", ISA " + get_effective_cpu_isa());
        int[][] shapes = {{16, 32}, {32, 16}, {64, 8}}; // channels, side: resnet20's three stages
        for (int[] shape : shapes) {
            int c = shape[0];
            int side = shape[1];
            INDArray x = Nd4j.rand(DataType.FLOAT, N, c, side, side).subi(0.5);
            INDArray w = Nd4j.rand(DataType.FLOAT, c, c, 3, 3).subi(0.5).muli(0.2); // OIHW
            INDArray b = Nd4j.zeros(DataType.FLOAT, c);
            INDArray gradOut = Nd4j.rand(DataType.FLOAT, N, c, side, side).subi(0.5);
            double flops = 2.0 * N * c * c * 9 * side * side / 1e9;

            INDArray out = Nd4j.create(DataType.FLOAT, N, c, side, side);
            INDArray gradIn = Nd4j.create(DataType.FLOAT, N, c, side, side);
            INDArray gradW = Nd4j.create(DataType.FLOAT, c, c, 3, 3);
            INDArray gradB = Nd4j.create(DataType.FLOAT, c);
            // kH, kW, sH, sW, pH, pW, dH, dW, paddingMode 0 (explicit), NCHW (0), weights OIHW (1)
            int[] iArgs = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1};
            DynamicCustomOp forward = DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(out)
                    .addIntegerArguments(iArgs).build();
            DynamicCustomOp backward = DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, gradOut)
                    .addOutputs(gradIn, gradW, gradB).addIntegerArguments(iArgs).build();
            double nd4jForward = time(() -> Nd4j.exec(forward));
            double nd4jBackward = time(() -> Nd4j.exec(backward));
            line("libnd4j conv2d", c, side, nd4jForward, "conv2d_bp (data + weights)", nd4jBackward, flops);

            for (algorithm alg : new algorithm[] {algorithm.convolution_direct, algorithm.convolution_winograd}) {
                double[] t = oneDnn(cpu, s, alg, c, side, x, w, out);
                if (t == null) {
                    System.out.println("PROBE oneDNN " + alg + " " + c + "x" + side + "x" + side + ": not implemented here");
                    continue;
                }
                line("oneDNN " + alg.toString().replace("convolution_", ""), c, side, t[0],
                        String.format(Locale.ROOT, "backward data %.2f ms + weights", t[1]), t[2], flops);
            }
        }
    }

    /** Forward, backward-data and backward-weights milliseconds; null when oneDNN has no such algorithm here. */
    static double[] oneDnn(engine cpu, stream s, algorithm alg, int c, int side, INDArray x, INDArray w, INDArray nd4jOut) {
        long[] act = {N, c, side, side};
        long[] wts = {c, c, 3, 3};
        long[] bias = {c};
        long[] one = {1, 1};
        memory.desc anyAct = new memory.desc(act, memory.data_type.f32, memory.format_tag.any);
        memory.desc anyW = new memory.desc(wts, memory.data_type.f32, memory.format_tag.any);
        memory.desc biasD = new memory.desc(bias, memory.data_type.f32, memory.format_tag.x);
        convolution_forward.primitive_desc fwdPd;
        try {
            fwdPd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind.forward_training, alg,
                    anyAct, anyW, biasD, anyAct, one, one, one), cpu);
        } catch (RuntimeException e) {
            return null;
        }
        convolution_backward_data.primitive_desc bwdDataPd = new convolution_backward_data.primitive_desc(
                new convolution_backward_data.desc(alg, anyAct, anyW, anyAct, one, one, one), cpu, fwdPd);
        convolution_backward_weights.primitive_desc bwdWeightsPd = new convolution_backward_weights.primitive_desc(
                new convolution_backward_weights.desc(alg, anyAct, anyW, biasD, anyAct, one, one, one), cpu, fwdPd);

        // the user's NCHW / OIHW tensors, reordered once into the layouts the primitives chose
        memory userX = new memory(new memory.desc(act, memory.data_type.f32, memory.format_tag.nchw), cpu,
                new FloatPointer(x.dup().data().asFloat()));
        memory userW = new memory(new memory.desc(wts, memory.data_type.f32, memory.format_tag.oihw), cpu,
                new FloatPointer(w.dup().data().asFloat()));
        memory src = reordered(cpu, s, userX, fwdPd.src_desc());
        memory weights = reordered(cpu, s, userW, fwdPd.weights_desc());
        memory b = new memory(biasD, cpu);
        new FloatPointer(b.get_data_handle()).put(new float[c]);
        memory dst = new memory(fwdPd.dst_desc(), cpu);
        memory diffDst = reordered(cpu, s, userX, bwdDataPd.diff_dst_desc()); // any values: only time matters
        memory diffSrc = new memory(bwdDataPd.diff_src_desc(), cpu);
        memory bwdWeights = reordered(cpu, s, userW, bwdDataPd.weights_desc());
        memory diffW = new memory(bwdWeightsPd.diff_weights_desc(), cpu);
        memory diffB = new memory(bwdWeightsPd.diff_bias_desc(), cpu);
        memory bwdSrc = reordered(cpu, s, userX, bwdWeightsPd.src_desc());
        memory bwdDiffDst = reordered(cpu, s, userX, bwdWeightsPd.diff_dst_desc());

        convolution_forward fwd = new convolution_forward(fwdPd);
        IntMemoryMap fwdArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_WEIGHTS, weights)
                .put(DNNL_ARG_BIAS, b).put(DNNL_ARG_DST, dst);
        convolution_backward_data bwdData = new convolution_backward_data(bwdDataPd);
        IntMemoryMap bwdDataArgs = new IntMemoryMap().put(DNNL_ARG_DIFF_DST, diffDst).put(DNNL_ARG_WEIGHTS, bwdWeights)
                .put(DNNL_ARG_DIFF_SRC, diffSrc);
        convolution_backward_weights bwdW = new convolution_backward_weights(bwdWeightsPd);
        IntMemoryMap bwdWArgs = new IntMemoryMap().put(DNNL_ARG_SRC, bwdSrc).put(DNNL_ARG_DIFF_DST, bwdDiffDst)
                .put(DNNL_ARG_DIFF_WEIGHTS, diffW).put(DNNL_ARG_DIFF_BIAS, diffB);

        // the same result as libnd4j's conv2d (whose output the caller computed)
        fwd.execute(s, fwdArgs);
        memory plain = new memory(new memory.desc(act, memory.data_type.f32, memory.format_tag.nchw), cpu);
        reorder(cpu, s, dst, plain);
        float[] mine = new float[(int) (N * (long) c * side * side)];
        new FloatPointer(plain.get_data_handle()).capacity(mine.length).get(mine);
        float[] theirs = nd4jOut.dup().data().asFloat();
        double maxDiff = 0;
        for (int i = 0; i < mine.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(mine[i] - theirs[i]));
        }
        System.out.println(String.format(Locale.ROOT, "PROBE oneDNN %s %dx%dx%d forward vs libnd4j: largest difference %.2e;"
                + " layouts src %s weights %s", alg, c, side, side, maxDiff, layout(fwdPd.src_desc()), layout(fwdPd.weights_desc())));

        double f = time(() -> run(fwd, s, fwdArgs));
        double bd = time(() -> run(bwdData, s, bwdDataArgs));
        double bw = time(() -> run(bwdW, s, bwdWArgs));
        // what a layer that takes and gives NCHW would add: an activation into the blocked layout and one out
        org.bytedeco.dnnl.reorder in = new org.bytedeco.dnnl.reorder(userX, src);
        org.bytedeco.dnnl.reorder out = new org.bytedeco.dnnl.reorder(dst, plain);
        double reorderIn = time(() -> { in.execute(s, userX, src); s._wait(); });
        double reorderOut = time(() -> { out.execute(s, dst, plain); s._wait(); });
        System.out.println(String.format(Locale.ROOT, "PROBE oneDNN reorder %dx%dx%d  NCHW to blocked %.2f ms, blocked to"
                + " NCHW %.2f ms (a layer in NCHW pays 2 in the forward pass and 2 or 3 in the backward)", c, side, side,
                reorderIn, reorderOut));
        return new double[] {f, bd, bw};
    }

    static void run(primitive p, stream s, IntMemoryMap args) {
        p.execute(s, args);
        s._wait();
    }

    static memory reordered(engine cpu, stream s, memory from, memory.desc to) {
        memory m = new memory(to, cpu);
        reorder(cpu, s, from, m);
        return m;
    }

    static void reorder(engine cpu, stream s, memory from, memory to) {
        new org.bytedeco.dnnl.reorder(from, to).execute(s, from, to);
        s._wait();
    }

    static String layout(memory.desc d) {
        return d.data().format_kind() == dnnl_blocked && d.data().format_desc_blocking().inner_nblks() > 0
                ? "blocked by " + d.data().format_desc_blocking().inner_blks().get(0) : "plain";
    }

    static double time(Runnable r) {
        for (int i = 0; i < WARMUP; i++) {
            r.run();
        }
        double[] ms = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[REPEATS / 2];
    }

    static void line(String what, int c, int side, double forward, String backwardWhat, double backward, double gflop) {
        System.out.println(String.format(Locale.ROOT, "PROBE %-24s %2dx%2dx%2d  forward %6.2f ms (%5.1f GFLOP/s)  %s %6.2f ms",
                what, c, side, side, forward, gflop / forward * 1e3, backwardWhat, backward));
    }
}
