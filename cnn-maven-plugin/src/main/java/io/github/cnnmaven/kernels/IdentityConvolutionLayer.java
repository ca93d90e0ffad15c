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
    /** The batch norm this layer hands its output to in a blocked layout ({@link BlockedActivations}); else null. */
    private org.deeplearning4j.nn.layers.normalization.BatchNormalization blockedReader;

    IdentityConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        requireOwnPath(); // the batch norm's passes since this layer's forward pass
        incomingGradient = epsilon;
        try {
            Pair<Gradient, INDArray> gradients = super.backpropGradient(epsilon, workspaceMgr);
            requireOwnPath(); // before the updater takes these gradients
            return gradients;
        } finally {
            incomingGradient = null;
        }
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && incomingGradient != null) {
            return new Pair<>(incomingGradient, null);
        }
        requireOwnPath();
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    /**
     * From now on this layer and {@code reader} exchange the output and its gradient in a blocked layout, which
     * neither DL4J's convolution nor its batch norm can read: once either has fallen back to it after an error,
     * training stops rather than going on with misread values.
     */
    void requireOwnPaths(org.deeplearning4j.nn.layers.normalization.BatchNormalization reader) {
        blockedReader = reader;
    }

    private void requireOwnPath() {
        if (blockedReader != null && (helperCountFail > 0 || BlockedActivations.failures(blockedReader) > 0)) {
            throw new IllegalStateException("Layer " + layerConf().getLayerName() + " or the batch norm after it fell back to"
                    + " DL4J's own code after an error, which cannot read the blocked layout the two exchange; train with"
                    + " -Dcnn.oneDnnBatchNorm=false in cnn.argLine to keep them in NCHW");
        }
    }

    /** The convolution it computes with. */
    org.deeplearning4j.nn.layers.convolution.ConvolutionHelper convolution() {
        return helper;
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
