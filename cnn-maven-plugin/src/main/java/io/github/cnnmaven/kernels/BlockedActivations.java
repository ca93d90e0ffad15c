package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a convolution's one reader is the batch norm after it, the two hand the activation over in oneDNN's blocked
 * layout, written into DL4J's own NCHW-shaped array, and the batch norm hands the gradient back the same way. Each of
 * those tensors otherwise crossed the layer boundary through a conversion to NCHW and one back; in resnet20 those
 * conversions took longer than the batch norm's own arithmetic (docs/benchmarks.md, "Batch norm through oneDNN").
 * The array's bytes are then oneDNN's layout under DL4J's shape: only the two layers read them (the batch norm reads
 * its input again in its backward pass, in place, with no copy kept), and DL4J copies such arrays, when it does,
 * byte for byte. A layer DL4J would fall back to its own code for after an error would read those bytes as NCHW: the
 * convolution refuses to go on once either layer has ({@link LeanConvolutionLayer#exchangeBlockedWith}). A ReLU of the
 * convolution's own goes element by element over the whole array, so it reads the blocked bytes as it reads NCHW ones.
 * Where the next convolution alone reads such a batch norm, the batch norm hands its output on in the same layout
 * ({@link #handOutputOn}).
 *
 * <p>Only where the channels fill oneDNN's blocks exactly (the blocked tensor is then as large as the NCHW one),
 * for convolutions without an activation or with a plain ReLU that call oneDNN, batch norms that run through oneDNN,
 * and no preprocessor or dropout between.
 */
final class BlockedActivations {

    /** DL4J counts a layer's helper failures in a protected field; after the first it runs its own code. */
    private static final Field BATCH_NORM_FAILURES = BatchNormFusion.batchNormField("helperCountFail");

    private BlockedActivations() {
    }

    /**
     * What {@link #install} linked: convolution → batch norm pairs, and of their batch norms those that hand their
     * output on to a convolution blocked as well (none while the layout is switched off).
     */
    record Links(int pairs, int handedOn) {
        static final Links NONE = new Links(0, 0);
    }

    /**
     * Gives every such pair's batch norm oneDNN's, and links the two unless {@code -Dcnn.blockedActivations=false}
     * (then NCHW passes between them, converted on both sides, to compare with).
     */
    static Links install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.ONEDNN_BATCH_NORM.on() || BATCH_NORM_FAILURES == null || OneDnnDevice.unavailable() != null) {
            return Links.NONE;
        }
        memory.format_tag layout = OneDnnDevice.blockedLayout();
        int block = OneDnnDevice.blockedChannels();
        Map<String, List<String>> readers = new HashMap<>();
        graph.getConfiguration().getVertexInputs().forEach((vertex, inputs) ->
                inputs.forEach(input -> readers.computeIfAbsent(input, k -> new ArrayList<>()).add(vertex)));
        int linked = 0;
        int handedOn = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (!(vertex instanceof LayerVertex bnVertex) || !(bnVertex.getLayer() instanceof BatchNormalization bn)
                    || !(bn.getHelper() instanceof FusedBatchNormHelper helper)
                    || bnVertex.getLayerPreProcessor() != null || bn.conf().getLayer().getIDropout() != null
                    || bnVertex.getInputVertices() == null || bnVertex.getInputVertices().length != 1) {
                continue;
            }
            GraphVertex producer = graph.getVertices()[bnVertex.getInputVertices()[0].getVertexIndex()];
            if (!(producer instanceof LayerVertex convVertex) || !(convVertex.getLayer() instanceof LeanConvolutionLayer conv)
                    || !(conv.convolution() instanceof OneDnnConvolution oneDnn)
                    || !List.of(vertex.getVertexName()).equals(readers.get(producer.getVertexName()))
                    || graph.getConfiguration().getNetworkOutputs().contains(producer.getVertexName())
                    || conv.layerConf().getNOut() % block != 0) {
                continue;
            }
            OneDnnBatchNorm batchNorm = new OneDnnBatchNorm(helper.fusesRelu());
            helper.computeWith(batchNorm);
            if (TrainingLayers.Switch.BLOCKED_ACTIVATIONS.on()) {
                oneDnn.keepOutputBlocked(layout);
                batchNorm.readInputBlocked(layout);
                conv.exchangeBlockedWith(bn);
                handedOn += handOutputOn(graph, readers, bnVertex, batchNorm, layout) ? 1 : 0;
            }
            linked++;
        }
        return new Links(linked, handedOn);
    }

    /**
     * Where a batch norm that reads its input blocked has one reader, a convolution that calls oneDNN (directly, or
     * through the ReLU layer whose ReLU it applies itself), hands it the output blocked as well, and takes the
     * gradient back so. The convolution must read the whole input ({@link #readsWholeInput}).
     */
    private static boolean handOutputOn(ComputationGraph graph, Map<String, List<String>> readers, LayerVertex bnVertex,
                                     OneDnnBatchNorm batchNorm, memory.format_tag layout) {
        GraphVertex reader = soleReader(graph, readers, bnVertex.getVertexName());
        if (reader instanceof LayerVertex relu && relu.getLayer() instanceof FusedReluLayer && plainInput(relu)) {
            reader = soleReader(graph, readers, relu.getVertexName());
        }
        if (reader instanceof LayerVertex convVertex && plainInput(convVertex)
                && convVertex.getLayer() instanceof LeanConvolutionLayer conv && conv.convolution() instanceof OneDnnConvolution oneDnn
                && readsWholeInput(conv.layerConf())) {
            oneDnn.readInputBlocked(layout);
            batchNorm.writeOutputBlocked();
            conv.exchangeBlockedWith((BatchNormalization) bnVertex.getLayer());
            return true;
        }
        return false;
    }

    /** The one vertex that reads {@code vertex}'s output, or null (several, none, or it is a network output). */
    private static GraphVertex soleReader(ComputationGraph graph, Map<String, List<String>> readers, String vertex) {
        List<String> names = readers.getOrDefault(vertex, List.of());
        return names.size() == 1 && !graph.getConfiguration().getNetworkOutputs().contains(vertex) ? graph.getVertex(names.get(0)) : null;
    }

    /** No preprocessor or dropout between the vertex's input and its layer, and one input. */
    private static boolean plainInput(LayerVertex vertex) {
        return vertex.getLayerPreProcessor() == null && vertex.getLayer().conf().getLayer().getIDropout() == null
                && vertex.getInputVertices() != null && vertex.getInputVertices().length == 1;
    }

    /**
     * Whether the convolution reads every row and column of its input: with stride 1, or in Same mode with a kernel
     * (dilated) at least as wide as the stride. (A 1×1 stride-2 shortcut in Same mode skips the last row of an even
     * input, which oneDNN reads as a window of the NCHW array, not of a blocked one.)
     */
    private static boolean readsWholeInput(org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf) {
        if (conf.getCnn2dDataFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
            return false;
        }
        for (int d = 0; d < 2; d++) {
            long kernel = (conf.getKernelSize()[d] - 1L) * conf.getDilation()[d] + 1;
            boolean whole = conf.getStride()[d] == 1
                    || conf.getConvolutionMode() == org.deeplearning4j.nn.conf.ConvolutionMode.Same && kernel >= conf.getStride()[d];
            if (!whole) {
                return false;
            }
        }
        return true;
    }

    /** How many times DL4J's batch norm layer has run its own code in place of its helper. */
    static int failures(BatchNormalization bn) {
        try {
            return BATCH_NORM_FAILURES.getInt(bn);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
