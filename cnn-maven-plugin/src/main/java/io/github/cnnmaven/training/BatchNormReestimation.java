package io.github.cnnmaven.training;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Sets every batch-norm layer's running mean and variance to the mean of its batch statistics over some
 * training batches, the network running in training mode (each layer normalising with its batch's statistics,
 * as it trained): PyTorch's {@code torch.optim.swa_utils.update_bn}. DL4J has no such pass; its running
 * statistics only move by its decay during fit, which would also change the weights.
 */
final class BatchNormReestimation {

    private BatchNormReestimation() {
    }

    /** A batch-norm layer, the vertex that feeds it, and the dimensions its statistics reduce over. */
    private record Norm(BatchNormalization layer, String input, int[] dimensions) {
    }

    /** Re-estimates from {@code batches}; {@code seed} fixes the dropout masks of the pass. */
    static void reestimate(ComputationGraph graph, Iterator<DataSet> batches, long seed) {
        List<Norm> norms = new ArrayList<>();
        Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
        for (GraphVertex v : graph.getVertices()) {
            if (v.hasLayer() && v.getLayer() instanceof BatchNormalization bn) {
                var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
                norms.add(new Norm(bn, inputs.get(v.getVertexName()).get(0),
                        conf.getCnn2DFormat() == CNN2DFormat.NHWC ? new int[] {0, 1, 2} : new int[] {0, 2, 3}));
            }
        }
        if (norms.isEmpty()) {
            return;
        }
        Nd4j.getRandom().setSeed(seed);
        INDArray[] means = new INDArray[norms.size()];
        INDArray[] variances = new INDArray[norms.size()];
        int count = 0;
        while (batches.hasNext()) {
            Map<String, INDArray> activations = graph.feedForward(batches.next().getFeatures(), true);
            for (int i = 0; i < norms.size(); i++) {
                INDArray x = activations.get(norms.get(i).input());
                int[] dims = x.rank() == 4 ? norms.get(i).dimensions() : new int[] {0};
                INDArray mean = x.mean(dims);
                INDArray variance = x.var(false, dims);
                means[i] = means[i] == null ? mean : means[i].addi(mean);
                variances[i] = variances[i] == null ? variance : variances[i].addi(variance);
            }
            count++;
        }
        graph.clearLayersStates();
        for (int i = 0; i < norms.size(); i++) {
            BatchNormalization bn = norms.get(i).layer();
            var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
            INDArray mean = means[i].divi(count);
            INDArray variance = variances[i].divi(count);
            assign(bn, BatchNormalizationParamInitializer.GLOBAL_MEAN, mean);
            if (conf.isUseLogStd()) { // DL4J keeps log10 of the standard deviation
                assign(bn, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, Transforms.log(Transforms.sqrt(variance, true),
                        10.0, false));
            } else {
                assign(bn, BatchNormalizationParamInitializer.GLOBAL_VAR, variance);
            }
        }
    }

    private static void assign(BatchNormalization bn, String key, INDArray value) {
        INDArray param = bn.getParam(key);
        param.assign(value.castTo(param.dataType()).reshape(param.shape()));
    }
}
