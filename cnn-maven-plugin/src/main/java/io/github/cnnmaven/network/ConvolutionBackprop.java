package io.github.cnnmaven.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Gives every convolution of a training network that has no activation of its own (each one a
 * batch norm follows) a backward pass without the second forward pass DL4J runs
 * ({@link IdentityConvolutionLayer}). Like {@link BatchNormFusion}, only the running network's
 * layer objects change.
 */
public final class ConvolutionBackprop {

    /** The system property ({@code cnn.argLine}) that keeps DL4J's own convolution layers. */
    public static final String SWITCH = "cnn.convolutionBackprop";

    private ConvolutionBackprop() {
    }

    /** @return how many convolutions now skip the recomputation; 0 with {@code -Dcnn.convolutionBackprop=false} */
    public static int install(ComputationGraph graph) {
        if (!enabled()) {
            return 0;
        }
        Layer[] layers = graph.getLayers();
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            // exactly DL4J's 2-D convolution (not its depthwise, separable or 1-D subclasses), NCHW
            if (vertex instanceof LayerVertex lv && lv.getLayer().getClass() == ConvolutionLayer.class
                    && lv.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf
                    && conf.getActivationFn() instanceof ActivationIdentity && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW) {
                IdentityConvolutionLayer lean = new IdentityConvolutionLayer((ConvolutionLayer) lv.getLayer());
                for (int i = 0; i < layers.length; i++) {
                    if (layers[i] == lv.getLayer()) {
                        layers[i] = lean;
                    }
                }
                lv.setLayer(lean);
                replaced++;
            }
        }
        return replaced;
    }

    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true").trim());
    }
}
