package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * One convolution, forward and backward, against libnd4j's {@code conv2d} and {@code conv2d_bp} (what DL4J's layer
 * computes), for the geometries the presets use: 3×3, 5×5 and 7×7 kernels, strides 1 and 2, explicit padding and
 * DL4J's Same mode (padded more at the bottom and right), Truncate mode where a stride drops the last row and
 * column (resnet's 1×1 stride-2 shortcuts), weights as views into a parameter vector, as DL4J's are.
 */
class OneDnnGeometryTest {

    @ParameterizedTest(name = "{0}->{1} channels, {2} px, kernel {3}, stride {4}, pad {5}, same {6}")
    @CsvSource({"16,16,32,3,1,1,false", "96,128,32,3,1,1,false", "64,64,8,3,1,1,false", "3,16,32,3,1,1,false",
            "32,64,16,3,2,1,false", "64,128,8,1,1,0,false", "3,64,22,7,2,3,false", "16,32,9,5,1,2,false",
            "16,32,15,3,2,1,false", "16,32,16,3,2,0,true", "16,32,15,3,1,0,true", "24,32,7,1,2,0,true",
            "16,32,32,1,2,0,false", "8,16,10,3,2,0,false"})
    void computesWhatLibnd4jComputes(int c, int k, int side, int kernel, int stride, int pad, boolean same) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, c, side, side).subi(0.5);
        int weights = k * c * kernel * kernel;
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 7 + weights + k).subi(0.5);
        INDArray w = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(7, 7 + weights)).reshape('c', k, c, kernel, kernel);
        INDArray b = params.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(7 + weights, 7 + weights + k));
        ConvolutionMode mode = same ? ConvolutionMode.Same : ConvolutionMode.Truncate;
        int out = same ? (side + stride - 1) / stride : (side + 2 * pad - kernel) / stride + 1;
        long[] iArgs = {kernel, kernel, stride, stride, pad, pad, 1, 1, same ? 1 : 0, 0, 1};
        INDArray expected = Nd4j.create(DataType.FLOAT, 4, k, out, out);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b.reshape(k)).addOutputs(expected)
                .addIntegerArguments(ints(iArgs)).build());
        OneDnnConvolution convolution = new OneDnnConvolution();
        int[] kernels = {kernel, kernel};
        int[] strides = {stride, stride};
        int[] pads = {pad, pad};
        INDArray actual = convolution.preOutput(x, w, b, kernels, strides, pads, null, null, mode, new int[] {1, 1},
                CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces());
        BatchNormFusionTest.assertClose(expected, actual, "output");

        INDArray gradOut = Nd4j.rand(DataType.FLOAT, 4, k, out, out).subi(0.5);
        INDArray gradIn = Nd4j.create(DataType.FLOAT, 4, c, side, side);
        INDArray gradW = Nd4j.create(DataType.FLOAT, k, c, kernel, kernel);
        INDArray gradB = Nd4j.create(DataType.FLOAT, k);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b.reshape(k), gradOut).addOutputs(gradIn, gradW, gradB)
                .addIntegerArguments(ints(iArgs)).build());
        INDArray gradients = Nd4j.zeros(DataType.FLOAT, 1, 3 + weights + k);
        INDArray wView = gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + weights)).reshape('c', k, c, kernel, kernel);
        INDArray bView = gradients.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(3 + weights, 3 + weights + k));
        Pair<Gradient, INDArray> mine = convolution.backpropGradient(x, w, b, gradOut, kernels, strides, pads, bView, wView,
                new ActivationIdentity(), null, null, null, mode, new int[] {1, 1}, CNN2DFormat.NCHW,
                LayerWorkspaceMgr.noWorkspaces());
        BatchNormFusionTest.assertClose(gradIn, mine.getSecond(), "gradient of the input");
        BatchNormFusionTest.assertClose(gradW, wView, "gradient of the weights, written into the view");
        BatchNormFusionTest.assertClose(gradB.reshape(1, k), bView, "gradient of the bias, written into the view");

        // a network's first layer: no gradient of the images, the same gradients of its parameters
        gradients.assign(0);
        Pair<Gradient, INDArray> first = new OneDnnConvolution(false).backpropGradient(x, w, b, gradOut, kernels, strides, pads,
                bView, wView, new ActivationIdentity(), null, null, null, mode, new int[] {1, 1}, CNN2DFormat.NCHW,
                LayerWorkspaceMgr.noWorkspaces());
        assertNull(first.getSecond(), "no gradient of the input for the first layer");
        BatchNormFusionTest.assertClose(gradW, wView, "first layer: gradient of the weights");
        BatchNormFusionTest.assertClose(gradB.reshape(1, k), bView, "first layer: gradient of the bias");
    }

    /**
     * A layer keeps the primitives and blocked tensors of its last {@code KEPT_SHAPES} batch shapes and frees an older
     * shape's when it drops it (left to the garbage collector, they grew the main job's JVM by 130 MB an epoch); a
     * dropped shape that comes back is built again and computes the same.
     */
    @Test
    void keepsTheLastShapesTensorsAndFreesTheDroppedOnes() {
        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 8, 3, 3).subi(0.5);
        OneDnnConvolution every = new OneDnnConvolution();
        OneDnnConvolution lastOnly = new OneDnnConvolution();
        int shapes = OneDnnConvolution.KEPT_SHAPES + 4;
        for (int n = 1; n <= shapes; n++) {
            step(every, n, w);
            if (n > shapes - OneDnnConvolution.KEPT_SHAPES) {
                step(lastOnly, n, w);
            }
        }
        long held = every.helperMemoryUse().get("oneDNN blocked tensors");
        assertTrue(held > 0, "the kept shapes hold their tensors");
        assertEquals(lastOnly.helperMemoryUse().get("oneDNN blocked tensors"), held,
                "bytes held after " + shapes + " shapes: only the last " + OneDnnConvolution.KEPT_SHAPES + "'s");
        BatchNormFusionTest.assertClose(step(new OneDnnConvolution(), 1, w), step(every, 1, w), "a dropped shape, rebuilt");
    }

    /** A forward and a backward pass of batch {@code n} through {@code convolution}; returns the input's gradient. */
    private static INDArray step(OneDnnConvolution convolution, int n, INDArray w) {
        Nd4j.getRandom().setSeed(n);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 8, 12, 12).subi(0.5);
        int[] three = {3, 3};
        int[] one = {1, 1};
        INDArray y = convolution.preOutput(x, w, null, three, one, one, null, null, ConvolutionMode.Truncate, one,
                CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces());
        INDArray wGrad = Nd4j.create(DataType.FLOAT, 16, 8, 3, 3);
        return convolution.backpropGradient(x, w, null, y.mul(0.5), three, one, one, null, wGrad, new ActivationIdentity(),
                null, null, null, ConvolutionMode.Truncate, one, CNN2DFormat.NCHW, LayerWorkspaceMgr.noWorkspaces()).getSecond();
    }

    private static int[] ints(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) values[i];
        }
        return ints;
    }
}
