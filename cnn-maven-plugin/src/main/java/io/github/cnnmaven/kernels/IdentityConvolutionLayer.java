package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution with no activation of its own (a batch norm follows it) whose backward pass does not run the forward
 * pass a second time. The identity's derivative reads nothing but the output's shape: the backward pass is given the
 * incoming gradient in its place (the same shape, and what the identity's derivative returns), and no im2col matrix,
 * which DL4J's path without the oneDNN helper then builds on its own.
 */
final class IdentityConvolutionLayer extends LeanConvolutionLayer {

    /** The gradient of the running backward pass: stands in for the output the identity ignores. */
    private INDArray incomingGradient;

    IdentityConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced);
    }

    @Override
    protected Pair<Gradient, INDArray> backward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        incomingGradient = epsilon;
        try {
            return dl4jBackward(epsilon, workspaceMgr);
        } finally {
            incomingGradient = null;
        }
    }

    @Override
    protected Pair<INDArray, INDArray> standIn(boolean forBackprop) {
        return forBackprop && incomingGradient != null ? new Pair<>(incomingGradient, null) : null;
    }
}
