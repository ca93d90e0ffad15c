package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution with a ReLU of its own whose backward pass does not run the forward pass a second
 * time: the ReLU's derivative gets a copy of the output instead of the recomputed pre-activation
 * ({@link ReluOutputCopy}), and no im2col matrix, which DL4J's path without the oneDNN helper then
 * builds on its own; and the ReLU computed by {@link KernelRelu}. The gradients are DL4J's. The ReLU,
 * the copy and the derivative go element by element over whole arrays, so they read a blocked output
 * ({@link BlockedActivations}) as they read an NCHW one.
 */
final class ReluConvolutionLayer extends LeanConvolutionLayer {

    final ReluOutputCopy output = new ReluOutputCopy();
    private final org.deeplearning4j.nn.conf.layers.ConvolutionLayer withKernelRelu;

    ReluConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced);
        withKernelRelu = KernelRelu.install(replaced.layerConf(), replaced.getDataType());
    }

    /**
     * The configuration with the ReLU computed by {@link KernelRelu}, a copy, so the network's own keeps DL4J's; or
     * the network's own where the kernels do not run (and while DL4J's constructor runs).
     */
    @Override
    public org.deeplearning4j.nn.conf.layers.ConvolutionLayer layerConf() {
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
    protected Pair<Gradient, INDArray> backward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return output.backward(() -> dl4jBackward(epsilon, workspaceMgr));
    }

    @Override
    protected Pair<INDArray, INDArray> standIn(boolean forBackprop) {
        return output.standIn(forBackprop);
    }
}
