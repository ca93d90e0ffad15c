package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static io.github.cnnmaven.kernels.FloatTensors.buffer;
import static io.github.cnnmaven.kernels.FloatTensors.contiguous;
import static io.github.cnnmaven.kernels.FloatTensors.whole;

/**
 * A ReLU layer that no batch norm absorbs (in a ResNet, the one after each residual addition),
 * computed in one pass each way ({@link ReluKernels}). DL4J's activation layer copies its input
 * before it applies the activation in place, and copies it again in the backward pass, whose
 * result it then copies into the layer's workspace: three sweeps over the tensor for one. It keeps
 * the ReLU layer's configuration, so the network's description and saved model do not change.
 * Element by element, it reads oneDNN's blocked layout as it reads NCHW; where its input is blocked and a reader of its
 * output needs NCHW (before a ResNet's global pooling, {@link BlockedActivations}), it converts the output to NCHW and the
 * output's gradient back.
 */
final class SinglePassReluLayer extends ActivationLayer {

    /** Null, or the blocked layout the input arrives in when the output leaves in NCHW. */
    private memory.format_tag blockedInput;
    private final OneDnnShape.Cache<List<Long>, LayoutReorder> toNchw = new OneDnnShape.Cache<>(OneDnnBatchNorm.KEPT_SHAPES);
    private final OneDnnShape.Cache<List<Long>, LayoutReorder> toBlocked = new OneDnnShape.Cache<>(OneDnnBatchNorm.KEPT_SHAPES);

    SinglePassReluLayer(ActivationLayer replaced) {
        super(replaced.conf(), DataType.FLOAT);
        TrainingLayers.carryOver(replaced, this);
    }

    /** The input arrives in {@code layout} from now on, and the output leaves in NCHW (see {@link BlockedActivations}). */
    void convertInputFrom(memory.format_tag layout) {
        blockedInput = layout;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = whole(input, blockedInput != null);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        if (blockedInput != null) {
            reorder(toNchw, x, blockedInput, memory.format_tag.nchw).run(x, y);
            ReluKernels.forward(buffer(y), buffer(y), Math.toIntExact(y.length()));
        } else {
            ReluKernels.forward(buffer(x), buffer(y), Math.toIntExact(x.length()));
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        // The input decides the mask, as in DL4J's layer: the output is the next layer's input,
        // which that layer's dropout may overwrite in place.
        INDArray x = whole(input, blockedInput != null);
        INDArray dy = contiguous(epsilon);
        if (blockedInput != null) { // the mask is in the input's layout: the gradient goes there first
            INDArray blocked = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, x.shape(), 'c');
            reorder(toBlocked, x, memory.format_tag.nchw, blockedInput).run(dy, blocked);
            dy = blocked;
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        ReluKernels.backward(buffer(x), buffer(dy), buffer(dx), Math.toIntExact(x.length()));
        return new Pair<>(new DefaultGradient(), dx);
    }

    private static LayoutReorder reorder(OneDnnShape.Cache<List<Long>, LayoutReorder> cache, INDArray x,
                                         memory.format_tag from, memory.format_tag to) {
        long[] s = x.shape();
        return cache.get(List.of(s[0], s[1], s[2], s[3]), dims -> new LayoutReorder(s.clone(), from, to));
    }
}
