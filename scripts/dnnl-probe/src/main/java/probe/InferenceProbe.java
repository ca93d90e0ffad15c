package probe;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Which algorithm and layout pay for inference convolutions (OneDnnInferenceConvolution's rule): resnet20's and
 * alexnet-cifar's convolutions at batch 128 with a ReLU post-op, timed alone through JavaCPP's oneDNN preset, as
 * the direct algorithm on NHWC (what libnd4j runs for a channels-last graph) and on the layout oneDNN chooses, and
 * Winograd on the layout it chooses (blocked), alone and with the NHWC input and output converted around it. Prints the
 * median of 25 calls after 5, in ms, per convolution and per network ("PROBE" lines).
 */
public final class InferenceProbe {

    static final int N = 128;
    /** in channels, out channels, input side, kernel, stride, padding, how many such convolutions the network has */
    static final int[][] RESNET20 = {{3, 16, 32, 3, 1, 1, 1}, {16, 16, 32, 3, 1, 1, 6}, {16, 32, 32, 3, 2, 1, 1},
            {16, 32, 32, 1, 2, 0, 1}, {32, 32, 16, 3, 1, 1, 5}, {32, 64, 16, 3, 2, 1, 1}, {32, 64, 16, 1, 2, 0, 1},
            {64, 64, 8, 3, 1, 1, 5}};
    static final int[][] ALEXNET_CIFAR = {{3, 64, 32, 3, 1, 0, 1}, {64, 128, 15, 3, 1, 0, 1}, {128, 256, 6, 3, 1, 0, 1}};
    /** The layouts of the middle two are oneDNN's choice: blocked for these shapes. */
    static final String[] WAYS = {"direct NHWC", "direct, its layout", "Winograd, its layout", "Winograd, NHWC around"};

    public static void main(String[] args) {
        engine cpu = new engine(engine.kind.cpu, 0);
        stream s = new stream(cpu);
        System.out.println("PROBE oneDNN " + dnnl_version().major() + "." + dnnl_version().minor() + "."
                + dnnl_version().patch() + ", ISA " + get_effective_cpu_isa() + ", batch " + N);
        System.out.println(String.format(Locale.ROOT, "PROBE %-34s %12s %19s %21s %22s", "convolution", WAYS[0], WAYS[1], WAYS[2], WAYS[3]));
        network(cpu, s, "resnet20", RESNET20);
        network(cpu, s, "alexnet-cifar", ALEXNET_CIFAR);
    }

    static void network(engine cpu, stream s, String name, int[][] convolutions) {
        double[] total = new double[WAYS.length];
        for (int[] c : convolutions) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "PROBE %-14s %3d->%3d %2dx%-2d k%d s%d x%d",
                    name, c[0], c[1], c[2], c[2], c[3], c[4], c[6]));
            double direct = Double.NaN;
            for (int way = 0; way < WAYS.length; way++) {
                double ms = time(cpu, s, c, way);
                line.append(Double.isNaN(ms) ? String.format(Locale.ROOT, " %" + (WAYS[way].length() + 1) + "s", "-")
                        : String.format(Locale.ROOT, " %" + (WAYS[way].length() + 1) + ".3f", ms));
                direct = way == 0 ? ms : direct;
                total[way] += c[6] * (Double.isNaN(ms) ? direct : ms); // no Winograd for this shape: the direct one
            }
            System.out.println(line);
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "PROBE %-34s", name + " (all, per batch)"));
        for (int way = 0; way < WAYS.length; way++) {
            line.append(String.format(Locale.ROOT, " %" + (WAYS[way].length() + 1) + ".2f", total[way]));
        }
        System.out.println(line);
    }

    /** Median ms of one call; NaN where oneDNN has no such primitive here. */
    static double time(engine cpu, stream s, int[] c, int way) {
        int ic = c[0], oc = c[1], side = c[2], k = c[3], stride = c[4], pad = c[5];
        int out = (side + 2 * pad - k) / stride + 1;
        boolean winograd = way >= 2;
        memory.format_tag layout = way == 0 ? memory.format_tag.nhwc : memory.format_tag.any;
        memory.desc src = new memory.desc(new long[] {N, ic, side, side}, memory.data_type.f32, layout);
        memory.desc dst = new memory.desc(new long[] {N, oc, out, out}, memory.data_type.f32, layout);
        memory.desc weights = new memory.desc(new long[] {oc, ic, k, k}, memory.data_type.f32, memory.format_tag.any);
        memory.desc bias = new memory.desc(new long[] {oc}, memory.data_type.f32, memory.format_tag.x);
        post_ops relu = new post_ops();
        relu.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
        primitive_attr attr = new primitive_attr();
        attr.set_post_ops(relu);
        convolution_forward.primitive_desc pd;
        try {
            pd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind.forward_inference,
                    winograd ? algorithm.convolution_winograd : algorithm.convolution_direct, src, weights, bias, dst,
                    new long[] {stride, stride}, new long[] {pad, pad}, new long[] {pad, pad}), attr, cpu);
        } catch (RuntimeException notImplemented) {
            return Double.NaN;
        }
        memory mSrc = filled(new memory(pd.src_desc(), cpu));
        memory mDst = new memory(pd.dst_desc(), cpu);
        convolution_forward conv = new convolution_forward(pd);
        IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_SRC, mSrc).put(DNNL_ARG_WEIGHTS, filled(new memory(pd.weights_desc(), cpu)))
                .put(DNNL_ARG_BIAS, filled(new memory(bias, cpu))).put(DNNL_ARG_DST, mDst);
        Runnable call = () -> conv.execute(s, args);
        if (way == 3) {
            memory nhwcSrc = filled(new memory(new memory.desc(new long[] {N, ic, side, side}, memory.data_type.f32, memory.format_tag.nhwc), cpu));
            memory nhwcDst = new memory(new memory.desc(new long[] {N, oc, out, out}, memory.data_type.f32, memory.format_tag.nhwc), cpu);
            reorder in = new reorder(nhwcSrc, mSrc);
            reorder back = new reorder(mDst, nhwcDst);
            call = () -> {
                in.execute(s, nhwcSrc, mSrc);
                conv.execute(s, args);
                back.execute(s, mDst, nhwcDst);
            };
        }
        Runnable timed = call;
        double[] ms = new double[25];
        for (int i = -5; i < ms.length; i++) {
            long start = System.nanoTime();
            timed.run();
            s._wait();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    static memory filled(memory m) {
        long n = m.get_desc().get_size() / Float.BYTES;
        FloatPointer p = new FloatPointer(m.get_data_handle()).capacity(n);
        Random random = new Random(1);
        for (long i = 0; i < n; i++) {
            p.put(i, random.nextFloat() - 0.5f);
        }
        return m;
    }
}
