package io.github.cnnmaven.inference;

import io.github.cnnmaven.common.PropertySwitch;
import io.github.cnnmaven.kernels.LayerHelpers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * An inference graph rewritten to run channels-last (NHWC). DL4J hands oneDNN whatever layout the
 * layers are configured in; for NCHW, oneDNN's fast convolution kernels want its blocked layout, so
 * every convolution reorders its input and output (the largest item of the convolution profile in
 * docs/benchmarks.md), while for NHWC it has direct kernels. The same weights run channels-last:
 * DL4J keeps convolution weights as [out, in, kH, kW] in both layouts; only the dense layer after a
 * flatten takes its rows in height-width-channel order instead. What it gains: scripts/benchmark-training.sh,
 * figures in docs/benchmarks.md.
 *
 * <p>Only graphs built of layers known to be layout-neutral or to take a layout are converted;
 * anything else (a merge along channels, a layer of an imported model) keeps the NCHW graph.
 */
final class ChannelsLast {

    /** {@code -Dcnn.channelsLastInference=false} keeps the NCHW graph. */
    static final PropertySwitch SWITCH = new PropertySwitch("cnn.channelsLastInference");

    private ChannelsLast() {
    }

    /** Whether inference should run channels-last here: oneDNN's helpers on, and not switched off. */
    static boolean preferred() {
        return LayerHelpers.oneDnnOn() && SWITCH.on();
    }

    /** A channels-last copy of {@code nchw}, or empty when some vertex cannot be converted. */
    static Optional<ComputationGraph> convert(ComputationGraph nchw) {
        ComputationGraphConfiguration conf = nchw.getConfiguration().clone();
        if (conf.getNetworkInputs().size() != 1) {
            return Optional.empty();
        }
        for (Map.Entry<String, GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (!convert(vertex.getValue())) {
                return Optional.empty();
            }
        }
        return Optional.of(InferenceGraph.rebuilt(conf, nchw, (layer, key, value) ->
                ((LayerVertex) conf.getVertices().get(layer)).getPreProcessor() instanceof CnnToFeedForwardPreProcessor f
                        && key.equals(DefaultParamInitializer.WEIGHT_KEY) ? flattenedRowsChannelsLast(value, f) : value));
    }

    /** Switches one vertex of the cloned configuration to NHWC; false when it cannot be. */
    private static boolean convert(GraphVertex vertex) {
        if (vertex instanceof ElementWiseVertex) {
            return true; // element by element: any layout
        }
        if (!(vertex instanceof LayerVertex lv) || lv.getLayerConf() == null) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.Layer layer = lv.getLayerConf().getLayer();
        InputPreProcessor pre = lv.getPreProcessor();
        if (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class) {
            return pre == null || convertFlatten(lv, pre); // without a flatten they take 2-D input
        }
        if (pre != null) {
            return false;
        }
        if (layer instanceof BaseLayer base && !elementWise(base.getActivationFn())
                || layer instanceof ActivationLayer act && !elementWise(act.getActivationFn())) {
            return false; // a softmax or PReLU over an image runs along (or holds values per) an axis
        }
        if (layer.getClass() == ConvolutionLayer.class && ((ConvolutionLayer) layer).getCnn2dDataFormat() == CNN2DFormat.NCHW) {
            ((ConvolutionLayer) layer).setCnn2dDataFormat(CNN2DFormat.NHWC);
            return true;
        }
        if (layer.getClass() == SubsamplingLayer.class && ((SubsamplingLayer) layer).getCnn2dDataFormat() == CNN2DFormat.NCHW) {
            ((SubsamplingLayer) layer).setCnn2dDataFormat(CNN2DFormat.NHWC);
            return true;
        }
        if (layer.getClass() == BatchNormalization.class && ((BatchNormalization) layer).getCnn2DFormat() == CNN2DFormat.NCHW) {
            ((BatchNormalization) layer).setCnn2DFormat(CNN2DFormat.NHWC);
            return true;
        }
        if (layer.getClass() == GlobalPoolingLayer.class) {
            GlobalPoolingLayer pool = (GlobalPoolingLayer) layer;
            int[] dims = pool.getPoolingDimensions();
            if (dims != null && !Arrays.equals(dims, new int[] {2, 3})) {
                return false;
            }
            pool.setPoolingDimensions(new int[] {1, 2}); // height and width, channels-last
            return true;
        }
        // element by element on whatever comes in
        return layer.getClass() == ActivationLayer.class || layer.getClass() == DropoutLayer.class;
    }

    /** A flatten into a dense layer, whose weight rows are reordered in convert(ComputationGraph). */
    private static boolean convertFlatten(LayerVertex lv, InputPreProcessor pre) {
        if (!(pre instanceof CnnToFeedForwardPreProcessor f) || f.getFormat() != CNN2DFormat.NCHW) {
            return false;
        }
        lv.setPreProcessor(new CnnToFeedForwardPreProcessor(f.getInputHeight(), f.getInputWidth(), f.getNumChannels(),
                CNN2DFormat.NHWC));
        return true;
    }

    /** Whether an activation treats each value alone; DenseLayer's and OutputLayer's run on 2-D input anyway. */
    private static boolean elementWise(IActivation activation) {
        return !(activation instanceof ActivationSoftmax || activation instanceof ActivationPReLU);
    }

    /** A dense layer's weights for a channels-last flatten: row c·h·w order becomes h·w·c order. */
    private static INDArray flattenedRowsChannelsLast(INDArray weights, CnnToFeedForwardPreProcessor f) {
        long c = f.getNumChannels();
        long h = f.getInputHeight();
        long w = f.getInputWidth();
        long out = weights.size(1);
        return weights.reshape('c', c, h, w, out).permute(1, 2, 0, 3).dup('c').reshape('c', h * w * c, out);
    }
}
