package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static io.github.cnnmaven.kernels.FloatTensors.buffer;
import static io.github.cnnmaven.kernels.FloatTensors.contiguous;
import static io.github.cnnmaven.kernels.FloatTensors.whole;

/**
 * Max pooling (NCHW, no dropout or dilation) in training on the CPU. Over windows that do not overlap (kernel = stride,
 * no padding) its backward pass is {@link MaxPoolKernels}'. DL4J's subsampling layer calls libnd4j's {@code maxpool2d_bp},
 * which with oneDNN pools the input a second time and converts both tensors' layouts in every backward pass: in the
 * main job's profile that took longer than its convolutions' own backward pass. The forward pass stays DL4J's
 * (oneDNN's pooling, faster than Java's comparisons). The same floats as DL4J's: the gradient routed to each
 * window's maximum, the first in row-major order on ties, as libnd4j and oneDNN choose. It keeps the layer's
 * configuration, so the network's description and saved model do not change.
 * Other windows (a ResNet's 3×3 stride-2 stem pooling) run DL4J's passes. Between layers that exchange oneDNN's
 * blocked layout ({@link BlockedActivations}) any of them pools that layout itself, both ways, through
 * {@link OneDnnMaxPool}.
 */
final class MaxPoolLayer extends SubsamplingLayer {

    private final int kernelH;
    private final int kernelW;
    /** Whether the windows do not overlap (kernel = stride, no padding), the backward pass {@link MaxPoolKernels} computes. */
    private final boolean tiles;
    /** Null while the input arrives in NCHW; else the pooling of the blocked layout it arrives in. */
    private OneDnnMaxPool blocked;

    MaxPoolLayer(SubsamplingLayer replaced) {
        super(replaced.conf(), DataType.FLOAT);
        TrainingLayers.carryOver(replaced, this);
        int[] kernel = layerConf().getKernelSize();
        kernelH = kernel[0];
        kernelW = kernel[1];
        tiles = Arrays.equals(kernel, layerConf().getStride()) && Arrays.equals(layerConf().getPadding(), new int[] {0, 0});
    }

    /** Whether the layer is one this class takes: max pooling, no dilation, NCHW, no dropout. */
    static boolean covers(SubsamplingLayer layer) {
        if (layer.getClass() != SubsamplingLayer.class
                || !(layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf)) {
            return false;
        }
        return conf.getPoolingType() == PoolingType.MAX && Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getIDropout() == null
                && conf.getConvolutionMode() != ConvolutionMode.Causal;
    }

    /** Whether the backward pass runs in Java: windows that do not overlap, an NCHW input. */
    boolean backwardInJava() {
        return tiles && blocked == null;
    }

    /**
     * The input arrives in {@code layout} from now on, and its gradient leaves in it; the output and its gradient too
     * where {@code outputBlocked}, else in NCHW (see {@link BlockedActivations}).
     */
    void readInputBlocked(memory.format_tag layout, boolean outputBlocked) {
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf = layerConf();
        blocked = new OneDnnMaxPool(layout, outputBlocked, new OneDnnMaxPool.Windows(conf.getKernelSize(), conf.getStride(),
                conf.getPadding(), convolutionMode == ConvolutionMode.Same));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (blocked == null) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray x = whole(input, true);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, blocked.outputShape(x.shape()), 'c');
        blocked.forward(x, y, training);
        return y;
    }

    /** The input's height and width pooled, or null where DL4J's layer computes it (Same mode padding a size that the stride does not divide). */
    private int[] outputSize(INDArray x) {
        long h = x.size(2);
        long w = x.size(3);
        if (x.dataType() != DataType.FLOAT || h < kernelH || w < kernelW
                || convolutionMode == ConvolutionMode.Same && (h % kernelH != 0 || w % kernelW != 0)) {
            return null;
        }
        return new int[] {Math.toIntExact((h - kernelH) / kernelH + 1), Math.toIntExact((w - kernelW) / kernelW + 1)};
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (blocked != null) {
            INDArray x = whole(input, true);
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
            blocked.backward(x, whole(epsilon, blocked.writesOutputBlocked()), dx);
            return new Pair<>(new DefaultGradient(), dx);
        }
        int[] out = tiles && input.rank() == 4 ? outputSize(input) : null;
        if (out == null || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray x = contiguous(input);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        MaxPoolKernels.backward(buffer(x), buffer(contiguous(epsilon)), buffer(dx), geometry(x, out));
        return new Pair<>(new DefaultGradient(), dx);
    }

    private MaxPoolKernels.Geometry geometry(INDArray x, int[] out) {
        return new MaxPoolKernels.Geometry(Math.toIntExact(x.size(0) * x.size(1)), (int) x.size(2), (int) x.size(3),
                kernelH, kernelW, out[0], out[1]);
    }
}
