package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ReLU layer after a {@link FusedBatchNormHelper fused batch norm}: the batch norm already
 * applied the ReLU and masks the gradient, so this layer passes activations through and hands the
 * gradient back unchanged. It keeps the ReLU layer's configuration, so the network's description
 * and saved model do not change.
 */
final class FusedReluLayer extends ActivationLayer {

    FusedReluLayer(ActivationLayer replaced, DataType dataType) {
        super(replaced.conf(), dataType);
        TrainingLayers.carryOver(replaced, this);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        // A copy, as DL4J's own activation layer makes for an identity: the graph releases the
        // workspace that holds the incoming gradient once this layer returns.
        return new Pair<>(new DefaultGradient(), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon));
    }
}
