package io.github.cnnmaven.network;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer with a ReLU whose backward pass does not compute its matrix product a second time:
 * the ReLU's derivative gets a copy of the output instead of the recomputed pre-activation
 * ({@link ReluOutputCopy}). The gradients are DL4J's.
 */
final class ReluDenseLayer extends DenseLayer {

    final ReluOutputCopy output = new ReluOutputCopy();
    private boolean inBackward;

    ReluDenseLayer(DenseLayer replaced) {
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
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        // no layer norm (ConvolutionBackprop installs this layer only then), so no pre-norm output to hand back
        INDArray standIn = forBackprop && inBackward ? output.standIn() : null;
        return standIn != null ? new Pair<>(standIn, null) : super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
    }
}
