package io.github.cnnmaven.kernels;

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

    ReluDenseLayer(DenseLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
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
