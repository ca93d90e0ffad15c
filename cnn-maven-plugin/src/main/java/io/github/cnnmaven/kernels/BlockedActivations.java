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
 * convolution refuses to go on once either layer has ({@link IdentityConvolutionLayer#requireOwnPaths}).
 *
 * <p>Only where the channels fill oneDNN's blocks exactly (the blocked tensor is then as large as the NCHW one),
 * for convolutions without an activation of their own that call oneDNN, batch norms that run through oneDNN, and no
 * preprocessor or dropout between.
 */
final class BlockedActivations {

    /** DL4J counts a layer's helper failures in a protected field; after the first it runs its own code. */
    private static final Field BATCH_NORM_FAILURES = BatchNormFusion.batchNormField("helperCountFail");

    private BlockedActivations() {
    }

    /**
     * Gives every such pair's batch norm oneDNN's, and links the two unless {@code -Dcnn.blockedActivations=false}
     * (then NCHW passes between them, converted on both sides, to compare with); the number of pairs.
     */
    static int install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.ONEDNN_BATCH_NORM.on() || BATCH_NORM_FAILURES == null || OneDnnDevice.unavailable() != null) {
            return 0;
        }
        memory.format_tag layout = OneDnnDevice.blockedLayout();
        int block = OneDnnDevice.blockedChannels();
        Map<String, List<String>> readers = new HashMap<>();
        graph.getConfiguration().getVertexInputs().forEach((vertex, inputs) ->
                inputs.forEach(input -> readers.computeIfAbsent(input, k -> new ArrayList<>()).add(vertex)));
        int linked = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (!(vertex instanceof LayerVertex bnVertex) || !(bnVertex.getLayer() instanceof BatchNormalization bn)
                    || !(bn.getHelper() instanceof FusedBatchNormHelper helper)
                    || bnVertex.getLayerPreProcessor() != null || bn.conf().getLayer().getIDropout() != null
                    || bnVertex.getInputVertices() == null || bnVertex.getInputVertices().length != 1) {
                continue;
            }
            GraphVertex producer = graph.getVertices()[bnVertex.getInputVertices()[0].getVertexIndex()];
            if (!(producer instanceof LayerVertex convVertex) || !(convVertex.getLayer() instanceof IdentityConvolutionLayer conv)
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
                conv.requireOwnPaths(bn);
            }
            linked++;
        }
        return linked;
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
