package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.cnnmaven.kernels.FloatTensors.buffer;
import static io.github.cnnmaven.kernels.FloatTensors.contiguous;

/**
 * A ReLU layer that no batch norm absorbs (in a ResNet, the one after each residual addition),
 * computed in one pass each way ({@link ReluKernels}). DL4J's activation layer copies its input
 * before it applies the activation in place, and copies it again in the backward pass, whose
 * result it then copies into the layer's workspace: three sweeps over the tensor for one. It keeps
 * the ReLU layer's configuration, so the network's description and saved model do not change.
 */
final class SinglePassReluLayer extends ActivationLayer {

    SinglePassReluLayer(ActivationLayer replaced) {
        super(replaced.conf(), DataType.FLOAT);
        TrainingLayers.carryOver(replaced, this);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = contiguous(input);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        ReluKernels.forward(buffer(x), buffer(y), Math.toIntExact(x.length()));
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        // The input decides the mask, as in DL4J's layer: the output is the next layer's input,
        // which that layer's dropout may overwrite in place.
        INDArray x = contiguous(input);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        ReluKernels.backward(buffer(x), buffer(contiguous(epsilon)), buffer(dx), Math.toIntExact(x.length()));
        return new Pair<>(new DefaultGradient(), dx);
    }
}
