package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer with a ReLU whose backward pass does not compute its matrix product a second time:
 * the ReLU's derivative gets a copy of the output instead of the recomputed pre-activation
 * ({@link ReluOutputCopy}); and the ReLU computed by {@link KernelRelu}. The gradients are DL4J's.
 */
final class ReluDenseLayer extends DenseLayer {

    final ReluOutputCopy output = new ReluOutputCopy();
    private final org.deeplearning4j.nn.conf.layers.DenseLayer withKernelRelu;

    ReluDenseLayer(DenseLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
        withKernelRelu = KernelRelu.install(replaced.layerConf(), replaced.getDataType());
    }

    /**
     * The configuration with the ReLU computed by {@link KernelRelu}, a copy, so the network's own keeps DL4J's; or
     * the network's own where the kernels do not run (and while DL4J's constructor runs).
     */
    @Override
    public org.deeplearning4j.nn.conf.layers.DenseLayer layerConf() {
        return withKernelRelu != null ? withKernelRelu : super.layerConf();
    }

    /** Whether its ReLU runs in {@link KernelRelu}. */
    boolean kernelRelu() {
        return withKernelRelu != null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return output.afterForward(training, super.activate(training, workspaceMgr));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return output.backward(() -> super.backpropGradient(epsilon, workspaceMgr));
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        // no layer norm (ConvolutionBackprop installs this layer only then): no pre-norm output to hand back
        Pair<INDArray, INDArray> standIn = output.standIn(forBackprop);
        return standIn != null ? standIn : super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return RegularizationScore.of(this); // every parameter of this layer is a backprop parameter
    }
}
