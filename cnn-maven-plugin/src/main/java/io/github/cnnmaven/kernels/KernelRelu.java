package io.github.cnnmaven.kernels;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.cnnmaven.kernels.FloatTensors.buffer;
import static io.github.cnnmaven.kernels.FloatTensors.isContiguous;

/**
 * DL4J's plain ReLU, computed by {@link ReluKernels} in place as DL4J computes it, for the convolution and dense
 * layers {@link ConvolutionBackprop} installs. DL4J's derivative runs libnd4j's {@code relu_bp}, which calls a
 * {@code std::function} per element: in the main job's profile it took as long as the convolutions' whole backward
 * pass. Only those layers' {@code layerConf()} hands it out; the network's configuration, and so the saved model,
 * keep DL4J's own ReLU. Arrays the kernels cannot read in place (not float, not one C-ordered run) go to DL4J's.
 */
final class KernelRelu extends BaseActivationFunction {

    private static final ActivationReLU DL4J = new ActivationReLU();

    /**
     * A copy of {@code conf} whose activation is this one ({@code conf} itself is left as it is), or null where the
     * kernels do not run: off the CPU, not in float, or with {@code -Dcnn.singlePassRelu=false}.
     */
    @SuppressWarnings("unchecked")
    static <T extends org.deeplearning4j.nn.conf.layers.BaseLayer> T install(T conf, DataType dataType) {
        if (!TrainingLayers.Switch.SINGLE_PASS_RELU.on() || dataType != DataType.FLOAT || !TrainingLayers.cpu()) {
            return null;
        }
        T copy = (T) conf.clone();
        copy.setActivationFn(new KernelRelu());
        return copy;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        if (!readable(in)) {
            return DL4J.getActivation(in, training);
        }
        ReluKernels.forward(buffer(in), buffer(in), Math.toIntExact(in.length()));
        return in;
    }

    /** The gradient of the ReLU at {@code in} (its input, or its output: both are positive in the same places), into {@code in}. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        if (!readable(in) || !readable(epsilon)) {
            return DL4J.backprop(in, epsilon);
        }
        ReluKernels.backward(buffer(in), buffer(epsilon), buffer(in), Math.toIntExact(in.length()));
        return new Pair<>(in, null);
    }

    private static boolean readable(INDArray x) {
        return x.dataType() == DataType.FLOAT && isContiguous(x) && x.length() <= Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return "relu";
    }
}
