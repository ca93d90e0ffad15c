package io.github.cnnmaven.network;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution with a ReLU of its own whose backward pass does not run the forward pass a second
 * time: the ReLU's derivative gets a copy of the output instead of the recomputed pre-activation
 * ({@link ReluOutputCopy}), and no im2col matrix, which DL4J's path without the oneDNN helper then
 * builds on its own. The gradients are DL4J's.
 */
final class ReluConvolutionLayer extends ConvolutionLayer {

    final ReluOutputCopy output = new ReluOutputCopy();
    private boolean inBackward;

    ReluConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray activated = super.activate(training, workspaceMgr);
        output.afterForward(training, activated);
        return activated;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        inBackward = true;
        try {
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            inBackward = false;
        }
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray standIn = forBackprop && inBackward ? output.standIn() : null;
        return standIn != null ? new Pair<>(standIn, null) : super.preOutput4d(training, forBackprop, workspaceMgr);
    }
}
