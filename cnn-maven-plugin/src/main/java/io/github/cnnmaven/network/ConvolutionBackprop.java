package io.github.cnnmaven.network;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Gives every convolution of a training network that has no activation of its own (each one a
 * batch norm follows) a backward pass without the second forward pass DL4J runs
 * ({@link IdentityConvolutionLayer}); {@link TrainingLayers} installs it.
 */
public final class ConvolutionBackprop {

    private ConvolutionBackprop() {
    }

    /** @return how many convolutions now skip the recomputation; 0 with {@code -Dcnn.convolutionBackprop=false} */
    public static int install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.CONVOLUTION_BACKPROP.on()) {
            return 0;
        }
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            // exactly DL4J's 2-D convolution (not its depthwise, separable or 1-D subclasses), NCHW
            if (vertex instanceof LayerVertex lv && lv.getLayer().getClass() == ConvolutionLayer.class
                    && lv.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf
                    && conf.getActivationFn() instanceof ActivationIdentity && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW) {
                TrainingLayers.replace(graph, lv, new IdentityConvolutionLayer((ConvolutionLayer) lv.getLayer()));
                replaced++;
            }
        }
        return replaced;
    }
}
