package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;

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
 * byte for byte. A layer DL4J would fall back to its own code for after an error would read those bytes as NCHW: each
 * of the two stops training instead ({@link LeanConvolutionLayer#exchangeBlocked}, {@link LeanBatchNormLayer}). A ReLU
 * of the convolution's own goes element by element over the whole array, so it reads the blocked bytes as it reads
 * NCHW ones.
 * Beyond the pairs, whatever reads a linked batch norm's output in the same layout keeps it so, as far as the layers
 * that can go ({@link #keepStagesBlocked}): in a ResNet, every residual stage, converted to NCHW once before the
 * global pooling; in a plain CNN, its max poolings too, converted after the last one.
 *
 * <p>Only where the channels fill oneDNN's blocks exactly (the blocked tensor is then as large as the NCHW one),
 * for convolutions without an activation or with a plain ReLU that call oneDNN, batch norms that run through oneDNN,
 * and no preprocessor or dropout between.
 */
final class BlockedActivations {

    private BlockedActivations() {
    }

    /**
     * What {@link #install} linked: convolution → batch norm pairs, of their batch norms those that hand their output
     * on blocked as well, the max poolings that pool the blocked layout, and the ReLU and pooling layers that convert a
     * blocked input to NCHW (none of the last three while the layout is switched off).
     */
    record Links(int pairs, int handedOn, int pools, int converted) {
        static final Links NONE = new Links(0, 0, 0, 0);
    }

    /**
     * Gives every such pair's batch norm oneDNN's, and links the two unless {@code -Dcnn.blockedActivations=false}
     * (then NCHW passes between them, converted on both sides, to compare with).
     */
    static Links install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.ONEDNN_BATCH_NORM.on() || OneDnnDevice.unavailable() != null) {
            return Links.NONE;
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
                conv.exchangeBlocked();
            }
            linked++;
        }
        if (linked == 0 || !TrainingLayers.Switch.BLOCKED_ACTIVATIONS.on()) {
            return new Links(linked, 0, 0, 0);
        }
        return keepStagesBlocked(graph, layout, linked);
    }

    /**
     * Keeps blocked every tensor between the linked batch norms and the layers after them that can read it so: a
     * batch norm's output (through the ReLU layer whose ReLU it applies), a residual addition's, a ReLU layer's and a
     * max pooling's, where each reader takes it blocked: a convolution that calls oneDNN, an addition whose other input
     * is blocked too (both add element by element, in whatever layout their inputs share), a ReLU layer, or a max
     * pooling ({@link OneDnnMaxPool}). A plain ReLU layer or a max pooling whose own readers need NCHW converts its output
     * there: in a ResNet, before the global pooling; in a plain CNN, at the last pooling before the dense layers.
     * Everything else stays NCHW. Decided as a fixed point: start with every such tensor blocked, and make NCHW whatever
     * a reader refuses, until nothing changes.
     */
    private static Links keepStagesBlocked(ComputationGraph graph, memory.format_tag layout, int pairs) {
        GraphVertex[] vertices = graph.getVertices();
        boolean[] blocked = new boolean[vertices.length]; // of each vertex's output
        for (GraphVertex vertex : vertices) {
            blocked[vertex.getVertexIndex()] = (linkedBatchNorm(vertex) != null || passesLayout(graph, vertex))
                    && vertex.getOutputVertices() != null && !graph.getConfiguration().getNetworkOutputs().contains(vertex.getVertexName());
        }
        for (boolean changed = true; changed; ) {
            changed = false;
            for (GraphVertex vertex : vertices) {
                int i = vertex.getVertexIndex();
                boolean keep = blocked[i];
                if (keep && linkedBatchNorm(vertex) == null) { // an addition, a ReLU layer: blocked only from a blocked input
                    for (VertexIndices input : vertex.getInputVertices()) {
                        keep &= blocked[input.getVertexIndex()];
                    }
                }
                if (keep) {
                    for (VertexIndices reader : vertex.getOutputVertices()) {
                        keep &= takesBlocked(graph, vertices[reader.getVertexIndex()]);
                    }
                }
                if (keep != blocked[i]) {
                    blocked[i] = false;
                    changed = true;
                }
                // The fused ReLU passes its input on and an addition cannot convert: their inputs share their layout.
                if (!blocked[i] && (isAddition(graph, vertex) || fusedRelu(vertex))) {
                    for (VertexIndices input : vertex.getInputVertices()) {
                        changed |= blocked[input.getVertexIndex()];
                        blocked[input.getVertexIndex()] = false;
                    }
                }
            }
        }
        int batchNorms = 0;
        int pools = 0;
        int converted = 0;
        for (GraphVertex vertex : vertices) {
            int i = vertex.getVertexIndex();
            OneDnnBatchNorm batchNorm = linkedBatchNorm(vertex);
            if (batchNorm != null && blocked[i]) {
                batchNorm.writeOutputBlocked();
                batchNorms++;
            }
            if (blocked[i]) {
                for (VertexIndices reader : vertex.getOutputVertices()) {
                    if (vertices[reader.getVertexIndex()] instanceof LayerVertex lv && lv.getLayer() instanceof LeanConvolutionLayer conv) {
                        ((OneDnnConvolution) conv.convolution()).readInputBlocked(layout);
                        conv.exchangeBlocked();
                    }
                }
            }
            boolean blockedInput = vertex.getInputVertices() != null && vertex.getInputVertices().length == 1
                    && blocked[vertex.getInputVertices()[0].getVertexIndex()];
            if (blockedInput && vertex instanceof LayerVertex lv && lv.getLayer() instanceof MaxPoolLayer pool) {
                pool.readInputBlocked(layout, blocked[i]);
                pools++;
            }
            if (!blocked[i] && blockedInput && vertex instanceof LayerVertex lv && lv.getLayer() instanceof SinglePassReluLayer relu) {
                relu.convertInputFrom(layout);
            }
            if (!blocked[i] && blockedInput && passesLayout(graph, vertex)) {
                converted++;
            }
        }
        return new Links(pairs, batchNorms, pools, converted);
    }

    /** The oneDNN batch norm of a batch-norm layer that reads its input blocked from its convolution; else null. */
    private static OneDnnBatchNorm linkedBatchNorm(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv && lv.getLayer() instanceof BatchNormalization bn
                && bn.getHelper() instanceof FusedBatchNormHelper helper && helper.oneDnn() != null
                && helper.oneDnn().readsInputBlocked() ? helper.oneDnn() : null;
    }

    /**
     * A layer whose output is in its input's layout: the fused batch norm's ReLU layer, a plain ReLU layer, a max
     * pooling, an addition. The two layers of their own convert their output to NCHW where a reader needs it.
     */
    private static boolean passesLayout(ComputationGraph graph, GraphVertex vertex) {
        return fusedRelu(vertex) || vertex instanceof LayerVertex lv && plainInput(lv)
                && (lv.getLayer() instanceof SinglePassReluLayer || lv.getLayer() instanceof MaxPoolLayer)
                || isAddition(graph, vertex);
    }

    private static boolean fusedRelu(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv && lv.getLayer() instanceof FusedReluLayer && plainInput(lv);
    }

    /** DL4J's addition of two tensors (of one shape: what a residual block adds). */
    private static boolean isAddition(ComputationGraph graph, GraphVertex vertex) {
        return vertex instanceof org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex
                && graph.getConfiguration().getVertices().get(vertex.getVertexName())
                instanceof org.deeplearning4j.nn.conf.graph.ElementWiseVertex conf
                && conf.getOp() == org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add
                && vertex.getInputVertices() != null && vertex.getInputVertices().length == 2;
    }

    /**
     * Whether {@code reader} can take a blocked input: a layer that passes its input's layout on (see above), or an
     * NCHW convolution that calls oneDNN (one whose stride leaves the last rows converts the window it reads).
     */
    private static boolean takesBlocked(ComputationGraph graph, GraphVertex reader) {
        if (passesLayout(graph, reader)) {
            return true;
        }
        return reader instanceof LayerVertex convVertex && plainInput(convVertex)
                && convVertex.getLayer() instanceof LeanConvolutionLayer conv && conv.convolution() instanceof OneDnnConvolution
                && conv.layerConf().getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW;
    }

    /** No preprocessor or dropout between the vertex's input and its layer, and one input. */
    private static boolean plainInput(LayerVertex vertex) {
        return vertex.getLayerPreProcessor() == null && vertex.getLayer().conf().getLayer().getIDropout() == null
                && vertex.getInputVertices() != null && vertex.getInputVertices().length == 1;
    }
}
