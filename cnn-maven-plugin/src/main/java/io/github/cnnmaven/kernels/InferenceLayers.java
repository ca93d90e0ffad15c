package io.github.cnnmaven.kernels;

import io.github.cnnmaven.common.PropertySwitch;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;

/**
 * The plugin's faster layer objects for an inference graph (evaluate, predict and the benchmark's inference figure),
 * as {@link TrainingLayers} is for training. Only the running graph's layer objects change.
 */
public final class InferenceLayers {

    /** {@code -Dcnn.inferenceLayers=false} keeps DL4J's layer objects in the inference graph. */
    static final PropertySwitch SWITCH = new PropertySwitch("cnn.inferenceLayers");

    private InferenceLayers() {
    }

    /** Whether the inference graph gets these layers (not switched off). */
    public static boolean on() {
        return SWITCH.on();
    }

    /** Installs them in {@code graph} (switched on); returns how many convolutions were replaced. */
    public static int install(ComputationGraph graph) {
        int convolutions = 0;
        if (!on()) {
            return 0;
        }
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex lv && ChannelsLastConvolutionLayer.covers(lv.getLayer())) {
                TrainingLayers.replace(graph, lv, new ChannelsLastConvolutionLayer((ConvolutionLayer) lv.getLayer()));
                convolutions++;
            }
        }
        return convolutions;
    }
}
