package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Gives the convolution and dense layers of a training network a backward pass without the second
 * forward pass DL4J runs in it: a convolution without an activation of its own (each one a batch
 * norm follows) gets an {@link IdentityConvolutionLayer}, a convolution with a plain ReLU a
 * {@link ReluConvolutionLayer}, a dense layer with a plain ReLU a {@link ReluDenseLayer}.
 * {@link TrainingLayers} installs it.
 */
public final class ConvolutionBackprop {

    private ConvolutionBackprop() {
    }

    /** @return how many layers now skip the recomputation; 0 with {@code -Dcnn.convolutionBackprop=false} */
    public static int install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.CONVOLUTION_BACKPROP.on()) {
            return 0;
        }
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            Layer lean = vertex instanceof LayerVertex lv ? lean(lv.getLayer()) : null;
            if (lean != null) {
                TrainingLayers.replace(graph, (LayerVertex) vertex, lean);
                replaced++;
            }
        }
        return replaced;
    }

    /** The replacement for a layer, or null where none applies. */
    private static Layer lean(Layer layer) {
        // exactly DL4J's 2-D convolution (not its depthwise, separable or 1-D subclasses), NCHW, no weight noise
        if (layer.getClass() == ConvolutionLayer.class
                && layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getWeightNoise() == null) {
            if (conf.getActivationFn() instanceof ActivationIdentity) {
                return new IdentityConvolutionLayer((ConvolutionLayer) layer);
            }
            if (TrainingLayers.plainRelu(conf.getActivationFn())) {
                return new ReluConvolutionLayer((ConvolutionLayer) layer);
            }
        }
        if (layer.getClass() == DenseLayer.class
                && layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.DenseLayer conf
                && TrainingLayers.plainRelu(conf.getActivationFn()) && !conf.hasLayerNorm() && conf.getWeightNoise() == null) {
            return new ReluDenseLayer((DenseLayer) layer);
        }
        return null;
    }
}
