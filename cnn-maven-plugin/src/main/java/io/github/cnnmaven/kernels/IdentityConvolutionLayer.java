package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution with no activation of its own (a batch norm follows it) whose backward pass does
 * not run the forward pass a second time.
 *
 * <p>DL4J's {@code ConvolutionLayer.backpropGradient} always recomputes the convolution's output,
 * only to hand it to the activation function's derivative. For the identity that derivative reads
 * nothing but the output's shape, yet the recomputation is a large share of a training step
 * (scripts/profile-training.sh measures it).
 * Here the backward pass is given the incoming gradient in its place (the same shape, and what the
 * identity's derivative returns), and no im2col matrix, which DL4J's path without the oneDNN helper
 * then builds on its own. The gradients are DL4J's; only the wasted convolution is gone.
 */
final class IdentityConvolutionLayer extends ConvolutionLayer {

    /** The gradient of the running backward pass: stands in for the output the identity ignores. */
    private INDArray incomingGradient;

    IdentityConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        incomingGradient = epsilon;
        try {
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            incomingGradient = null;
        }
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && incomingGradient != null) {
            return new Pair<>(incomingGradient, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    /** Computes the convolution with {@code convolution} (oneDNN called directly) in place of DL4J's helper. */
    void computeWith(org.deeplearning4j.nn.layers.convolution.ConvolutionHelper convolution) {
        helper = convolution;
        helperCountFail = 0;
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return RegularizationScore.of(this); // every parameter of this layer is a backprop parameter
    }
}
