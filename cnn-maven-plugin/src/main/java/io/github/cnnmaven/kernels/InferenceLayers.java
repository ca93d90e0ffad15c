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

    /**
     * What {@link #install} replaced, for the evaluation log.
     *
     * @param convolutions channels-last convolutions that hand their input on as it is
     * @param oneDnn of them, those that call oneDNN themselves ({@link OneDnnInferenceConvolution})
     * @param winograd of those, the ones whose shape suits Winograd
     * @param blocked pairs of those that hand their tensor on in oneDNN's blocked layout
     * @param offNote why oneDNN is not called directly, or Winograd not used (a switch, the preset), or empty
     */
    public record Installed(int convolutions, int oneDnn, int winograd, int blocked, String offNote) {
        /** Nothing replaced: DL4J's layer objects (NCHW, or switched off). */
        public static final Installed NONE = new Installed(0, 0, 0, 0);

        public Installed(int convolutions, int oneDnn, int winograd, int blocked) {
            this(convolutions, oneDnn, winograd, blocked, "");
        }

        public String describe() {
            if (convolutions == 0) {
                return "DL4J's layer objects";
            }
            if (oneDnn == 0) {
                return convolutions + " convolution(s) through libnd4j" + offNote;
            }
            return convolutions + " convolution(s) calling oneDNN directly (ReLU as a post-op), Winograd on " + winograd
                    + " (3x3, stride 1, " + OneDnnInferenceConvolution.WINOGRAD_CHANNELS + "+ channels, AVX-512" + offNote + "), "
                    + blocked + " pair(s) handing on blocked";
        }
    }

    /** Installs them in {@code graph} (switched on). */
    public static Installed install(ComputationGraph graph) {
        int convolutions = 0;
        int oneDnn = 0;
        if (!on()) {
            return Installed.NONE;
        }
        boolean direct = TrainingLayers.Switch.ONEDNN_CONVOLUTION.on() && OneDnnInferenceConvolution.available();
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex lv && ChannelsLastConvolutionLayer.covers(lv.getLayer(), direct)) {
                ChannelsLastConvolutionLayer layer = new ChannelsLastConvolutionLayer((ConvolutionLayer) lv.getLayer());
                if (direct) {
                    layer.computeWith(new OneDnnInferenceConvolution(layer.layerConf().getActivationFn()));
                    oneDnn++;
                }
                TrainingLayers.replace(graph, lv, layer);
                convolutions++;
            }
        }
        return oneDnn == 0 ? new Installed(convolutions, 0, 0, 0, OneDnnInferenceConvolution.offNote())
                : linkWinograd(graph, convolutions, oneDnn);
    }

    /**
     * Counts the convolutions that suit Winograd, and links each that feeds only another such convolution to it, so
     * the tensor between them stays in oneDNN's blocked layout (the second convolution of a residual block in stages
     * of 32 or more channels: resnet20's last two stages).
     */
    private static Installed linkWinograd(ComputationGraph graph, int convolutions, int oneDnn) {
        int winograd = 0;
        int blocked = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            OneDnnInferenceConvolution to = oneDnnConvolution(vertex);
            if (to == null || !to.suitsWinograd(layerConf(vertex))) {
                continue;
            }
            winograd++;
            if (vertex instanceof LayerVertex lv && lv.getLayerPreProcessor() == null && lv.getInputVertices().length == 1) {
                GraphVertex source = graph.getVertices()[lv.getInputVertices()[0].getVertexIndex()];
                OneDnnInferenceConvolution from = oneDnnConvolution(source);
                if (from != null && from.suitsWinograd(layerConf(source)) && elementwise(layerConf(source).getActivationFn())
                        && source.getOutputVertices().length == 1
                        && !graph.getConfiguration().getNetworkOutputs().contains(source.getVertexName())) {
                    OneDnnInferenceConvolution.linkBlocked(from, to);
                    blocked++;
                }
            }
        }
        return new Installed(convolutions, oneDnn, winograd, blocked, OneDnnInferenceConvolution.WINOGRAD.offNote());
    }

    /**
     * Whether DL4J may apply the activation to a blocked output: one that maps each value alone (the plain ReLU, which
     * the primitive applies, or none). A softmax reads across the channels, which the blocked layout reorders.
     */
    private static boolean elementwise(org.nd4j.linalg.activations.IActivation activation) {
        return activation instanceof org.nd4j.linalg.activations.impl.ActivationIdentity
                || new org.nd4j.linalg.activations.impl.ActivationReLU().equals(activation);
    }

    private static OneDnnInferenceConvolution oneDnnConvolution(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv && lv.getLayer() instanceof ChannelsLastConvolutionLayer layer
                && layer.helper() instanceof OneDnnInferenceConvolution convolution ? convolution : null;
    }

    private static org.deeplearning4j.nn.conf.layers.ConvolutionLayer layerConf(GraphVertex vertex) {
        return ((ChannelsLastConvolutionLayer) ((LayerVertex) vertex).getLayer()).layerConf();
    }
}
