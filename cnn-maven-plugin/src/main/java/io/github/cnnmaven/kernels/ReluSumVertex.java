package io.github.cnnmaven.kernels;

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

/**
 * A residual addition and the ReLU after it, as one vertex of an inference graph: {@code max(a + b, 0)} in one pass
 * over the three tensors. DL4J's addition copies its first input and adds the second to the copy, and its ReLU
 * layer then passes over the sum again: four passes where one does, a sixth of resnet20's inference time
 * (docs/benchmarks.md, "Inference layers"). The same float additions and maximum, so the values are DL4J's.
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

    private static final class Instance extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {

        Instance(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, Op.Add, dataType);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray[] in = getInputs();
            if (training || in.length != 2 || !in[0].equalShapes(in[1]) || in[0].dataType() != DataType.FLOAT
                    || in[1].dataType() != DataType.FLOAT || !TrainingLayers.cpu()) {
                return Transforms.relu(super.doForward(training, workspaceMgr), false);
            }
            INDArray a = FloatTensors.contiguous(in[0]);
            INDArray b = FloatTensors.contiguous(in[1]);
            INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, a.shape(), 'c');
            ReluKernels.sumForward(FloatTensors.buffer(a), FloatTensors.buffer(b), FloatTensors.buffer(y), (int) a.length());
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
}
