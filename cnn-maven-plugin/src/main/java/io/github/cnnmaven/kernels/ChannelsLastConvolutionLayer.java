package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An inference convolution in a channels-last graph that hands its input to the oneDNN helper as it is. DL4J's
 * layer first copies every NHWC input into NCHW order (it reads the input's sizes from that copy), then hands the
 * helper the original: a transpose of every activation that nothing reads, a fifth of resnet20's inference time
 * (docs/benchmarks.md, "Inference layers"). The output is the helper's, so it equals DL4J's exactly.
 */
final class ChannelsLastConvolutionLayer extends ConvolutionLayer {

    ChannelsLastConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
    }

    /**
     * Whether {@code layer} is a plain channels-last convolution whose oneDNN helper this would call: DL4J's, or
     * with {@code ownOneDnn} the plugin's ({@link OneDnnInferenceConvolution}), which needs none of DL4J's.
     */
    static boolean covers(org.deeplearning4j.nn.api.Layer layer, boolean ownOneDnn) {
        return layer.getClass() == ConvolutionLayer.class && layer instanceof ConvolutionLayer c
                && c.layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC && c.layerConf().hasBias()
                && (ownOneDnn || c.getHelper() != null);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (training || helper == null || helperCountFail > 0 || input == null || input.rank() != 4) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        INDArray x = input.castTo(dataType);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, false, workspaceMgr);
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, false, workspaceMgr);
        if (x.size(3) != weights.size(1)) {
            return super.preOutput(training, forBackprop, workspaceMgr); // DL4J's message for the wrong depth
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        int[] pad = conf.getPadding();
        if (convolutionMode == ConvolutionMode.Same) {
            int[] out = ConvolutionUtils.getOutputSize(x, kernel, strides, null, convolutionMode, dilation, CNN2DFormat.NHWC);
            pad = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {(int) x.size(1), (int) x.size(2)}, kernel,
                    strides, dilation);
        }
        INDArray z = helper.preOutput(x, weights, bias, kernel, strides, pad, conf.getCudnnAlgoMode(),
                conf.getCudnnFwdAlgo(), convolutionMode, dilation, CNN2DFormat.NHWC, workspaceMgr);
        return z != null ? new Pair<>(z, null) : super.preOutput(training, forBackprop, workspaceMgr);
    }

    /** The helper it computes with. */
    org.deeplearning4j.nn.layers.convolution.ConvolutionHelper helper() {
        return helper;
    }

    /** Computes with {@code convolution} in place of the helper DL4J chose (the tests hand it one that records). */
    void computeWith(org.deeplearning4j.nn.layers.convolution.ConvolutionHelper convolution) {
        helper = convolution;
        helperCountFail = 0;
    }
}
