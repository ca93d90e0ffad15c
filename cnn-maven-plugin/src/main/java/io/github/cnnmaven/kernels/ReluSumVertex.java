package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.algorithm;

/**
 * A residual addition and the ReLU after it, as one vertex of an inference graph: {@code max(a + b, 0)} in one pass
 * over the three tensors. DL4J's addition copies its first input and adds the second to the copy, and its ReLU
 * layer then passes over the sum again: four passes where one does, a sixth of resnet20's inference time
 * (docs/benchmarks.md, "Inference layers"). The same float additions and maximum, so the values are DL4J's.
 * Element by element, it adds two tensors in oneDNN's blocked layout as well, where {@link InferenceLayers} keeps a
 * residual stage in it; the stage's last addition then converts its output to NHWC for the layer after the stage.
 * Where the inference convolutions call oneDNN, so does the addition ({@link InferenceLayers}).
 * Inference only: the graph it is in is never trained or saved.
 */
public final class ReluSumVertex extends ElementWiseVertex {

    public ReluSumVertex() {
        super(Op.Add);
    }

    @Override
    public ReluSumVertex clone() {
        return new ReluSumVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReluSumVertex;
    }

    @Override
    public int hashCode() {
        return ReluSumVertex.class.hashCode();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Instance(graph, name, idx, networkDatatype);
    }

    static final class Instance extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {

        /**
         * Null, or the blocked layout both inputs arrive in when the output leaves in NHWC ({@link InferenceLayers}: the
         * last addition of a blocked stage, read by the global pooling).
         */
        private memory.format_tag convertFrom;
        private final OneDnnShape.Cache<List<Long>, LayoutReorder> conversions = new OneDnnShape.Cache<>(2);
        /** Null, or oneDNN's primitives by the tensors' length ({@link #computeWithOneDnn}). */
        private OneDnnShape.Cache<Long, OneDnnReluSum> oneDnn;

        Instance(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, Op.Add, dataType);
        }

        /** The inputs arrive in {@code blocked}, and the output is to leave in NHWC; before the first call. */
        void convertToNhwc(memory.format_tag blocked) {
            convertFrom = blocked;
        }

        /**
         * Adds with oneDNN's binary primitive and its ReLU post-op from now on: compiled for this CPU and run on
         * oneDNN's threads, which the convolutions around it keep awake, it gave resnet20 8 % more images/s than the
         * Java kernel on the fork-join pool (docs/benchmarks.md, "The residual additions in oneDNN"). The same floats.
         */
        void computeWithOneDnn() {
            oneDnn = new OneDnnShape.Cache<>(OneDnnInferenceConvolution.KEPT_SHAPES);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray[] in = getInputs();
            if (training || in.length != 2 || !in[0].equalShapes(in[1]) || in[0].dataType() != DataType.FLOAT
                    || in[1].dataType() != DataType.FLOAT || !TrainingLayers.cpu()) {
                if (convertFrom != null) {
                    throw new IllegalStateException(getVertexName() + " takes blocked inputs and was called with"
                            + " inputs its own path does not cover (not two float tensors of one shape)");
                }
                return Transforms.relu(super.doForward(training, workspaceMgr), false);
            }
            INDArray a = FloatTensors.contiguous(in[0]);
            INDArray b = FloatTensors.contiguous(in[1]);
            INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, a.shape(), 'c');
            INDArray sum = convertFrom == null ? y : workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, a.shape(), 'c');
            if (oneDnn != null) {
                oneDnn.get(a.length(), OneDnnReluSum::new).run(a, b, sum);
            } else {
                ReluKernels.sumForward(FloatTensors.buffer(a), FloatTensors.buffer(b), FloatTensors.buffer(sum), (int) a.length());
            }
            if (convertFrom != null) {
                long[] nhwc = a.shape();
                // [N, H, W, C] as DL4J sees it; oneDNN's N, C, H, W
                conversions.get(List.of(nhwc[0], nhwc[3], nhwc[1], nhwc[2]), dims -> new LayoutReorder(
                        dims.stream().mapToLong(Long::longValue).toArray(), convertFrom, memory.format_tag.nhwc)).run(sum, y);
            }
            return y;
        }

        /** Its backward pass would be DL4J's addition's, without the ReLU's mask: an inference graph is never trained. */
        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            throw new UnsupportedOperationException(getVertexName() + " is an inference graph's vertex: train the original graph");
        }

        @Override
        public String toString() {
            return "ReluSumVertex(" + getVertexName() + ", inputs " + Arrays.toString(getInputVertices()) + ")";
        }
    }

    /**
     * {@code max(a + b, 0)} over tensors of one length as oneDNN's binary addition with a ReLU post-op. Element by
     * element, so the tensors are plain vectors to it, whatever their layout.
     */
    private static final class OneDnnReluSum extends OneDnnShape {
        private final memory a;
        private final memory b;
        private final memory y;
        private final binary add;
        private final IntMemoryMap arguments;

        OneDnnReluSum(long length) {
            super(new AtomicLong());
            memory.desc vector = keep(new memory.desc(new long[] {length}, memory.data_type.f32, memory.format_tag.x));
            a = unbound(vector);
            b = unbound(vector);
            y = unbound(vector);
            post_ops relu = keep(new post_ops());
            relu.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
            primitive_attr attributes = keep(new primitive_attr());
            attributes.set_post_ops(relu);
            add = keep(new binary(keep(new binary.primitive_desc(keep(new binary.desc(algorithm.binary_add, vector, vector, vector)),
                    attributes, device.cpu))));
            arguments = keep(new IntMemoryMap().put(DNNL_ARG_SRC_0, a).put(DNNL_ARG_SRC_1, b).put(DNNL_ARG_DST, y));
        }

        void run(INDArray x0, INDArray x1, INDArray out) {
            OneDnnConversion.bound(a, x0);
            OneDnnConversion.bound(b, x1);
            OneDnnConversion.bound(y, out);
            add.execute(device.stream, arguments);
            device.stream._wait();
        }
    }
}
