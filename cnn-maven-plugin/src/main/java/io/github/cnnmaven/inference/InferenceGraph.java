package io.github.cnnmaven.inference;

import io.github.cnnmaven.kernels.InferenceLayers;
import io.github.cnnmaven.kernels.ReluSumVertex;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained graph rewritten for inference: every batch-norm layer that follows a convolution is
 * folded into that convolution's weights and bias, and an activation layer after it becomes the
 * convolution's own activation. At test time batch norm is a fixed per-channel affine map,
 * {@code y = γ·(x − μ)/√(σ² + ε) + β}, so with {@code s = γ/√(σ² + ε)} the convolution
 * {@code W·x + b} followed by it equals the convolution with weights {@code s·W} and bias
 * {@code s·(b − μ) + β}. That removes a pass over every conv output (batch norm) and the copy an
 * activation layer makes before it applies ReLU (what that saves: docs/benchmarks.md, inference).
 * Outputs equal the original graph's to float precision.
 *
 * <p>Each residual addition whose only reader is a ReLU layer becomes one {@link ReluSumVertex}, which
 * computes both in one pass. Where oneDNN runs the layers, the rewritten graph also runs channels-last
 * ({@link ChannelsLast}), which spares every convolution two layout reorders, with convolutions that hand
 * oneDNN their input as it is ({@link InferenceLayers}); {@link Folded#output} takes NCHW batches either way.
 *
 * <p>The original graph is not touched; the rewritten one is for {@code output} only (it has no
 * batch-norm layers left to train).
 */
public final class InferenceGraph {

    private InferenceGraph() {
    }

    /**
     * The rewritten graph, what was folded, whether the graph takes its input channels-last
     * (then {@link #input} permutes the NCHW batches the datasets produce), and the layer objects it runs.
     */
    public record Folded(ComputationGraph graph, int batchNorms, int activations, int residualRelus, boolean channelsLast,
                         InferenceLayers.Installed layers) {

        /**
         * The class probabilities of an NCHW batch. A channels-last graph reads the batch from this thread's copy of
         * the last one's shape, written over: a new array each batch cost resnet20 2 % of its inference time in
         * libnd4j's zeroing of fresh pages. The graph holds no input once it returns.
         */
        public INDArray output(INDArray nchw) {
            if (!channelsLast) {
                return graph.outputSingle(false, nchw);
            }
            long[] shape = {nchw.size(0), nchw.size(2), nchw.size(3), nchw.size(1)};
            INDArray nhwc = NHWC_BATCH.get();
            if (nhwc == null || !Arrays.equals(nhwc.shape(), shape) || nhwc.dataType() != nchw.dataType()) {
                nhwc = Nd4j.createUninitializedDetached(nchw.dataType(), shape);
                NHWC_BATCH.set(nhwc);
            }
            return graph.outputSingle(false, nhwc.assign(nchw.permute(0, 2, 3, 1)));
        }

        /** An NCHW batch in the layout the graph takes (a new array). */
        public INDArray input(INDArray nchw) {
            return channelsLast ? nchw.permute(0, 2, 3, 1).dup('c') : nchw;
        }
    }

    /** {@link Folded#output}'s channels-last copy of the batch, per thread. */
    private static final ThreadLocal<INDArray> NHWC_BATCH = new ThreadLocal<>();

    /** Folds what can be folded, channels-last where oneDNN runs the layers (and not switched off). */
    public static Folded fold(ComputationGraph trained) {
        return fold(trained, ChannelsLast.preferred());
    }

    /**
     * Folds what can be folded, and with {@code channelsLast} converts the result where every layer
     * allows it; returns {@code trained} itself (0 folded, NCHW) when nothing changes.
     */
    public static Folded fold(ComputationGraph trained, boolean channelsLast) {
        Folded folded = foldBatchNorms(trained);
        if (!channelsLast) {
            return folded;
        }
        return ChannelsLast.convert(folded.graph())
                .map(nhwc -> new Folded(nhwc, folded.batchNorms(), folded.activations(), folded.residualRelus(), true,
                        InferenceLayers.install(nhwc)))
                .orElse(folded);
    }

    private static Folded foldBatchNorms(ComputationGraph trained) {
        ComputationGraphConfiguration conf = trained.getConfiguration().clone();
        Map<String, GraphVertex> vertices = conf.getVertices();
        List<String[]> folds = new ArrayList<>(); // {conv, bn, activation or null}
        for (String bn : new ArrayList<>(vertices.keySet())) {
            if (!(layerOf(vertices.get(bn)) instanceof BatchNormalization bnConf) || !foldable(bnConf, trained.getLayer(bn))) {
                continue;
            }
            List<String> in = conf.getVertexInputs().get(bn);
            if (in == null || in.size() != 1 || conf.getNetworkOutputs().contains(in.get(0))
                    || !(layerOf(vertices.get(in.get(0))) instanceof ConvolutionLayer convConf)
                    || convConf.getClass() != ConvolutionLayer.class || !foldable(convConf)
                    || consumers(conf, in.get(0)).size() != 1) {
                continue;
            }
            String conv = in.get(0);
            String activation = null;
            List<String> next = consumers(conf, bn);
            if (!conf.getNetworkOutputs().contains(bn) && next.size() == 1 && !conf.getNetworkOutputs().contains(next.get(0))
                    && layerOf(vertices.get(next.get(0))) instanceof ActivationLayer act
                    && conf.getVertexInputs().get(next.get(0)).size() == 1) {
                activation = next.get(0);
                convConf.setActivationFn(act.getActivationFn());
            }
            remove(conf, bn, conv);
            if (activation != null) {
                remove(conf, activation, conv);
            }
            folds.add(new String[] {conv, bn, activation});
        }
        int residualRelus = InferenceLayers.on() ? fuseResidualRelus(conf) : 0;
        if (folds.isEmpty() && residualRelus == 0) {
            return new Folded(trained, 0, 0, 0, false, InferenceLayers.Installed.NONE);
        }
        ComputationGraph folded = rebuilt(conf, trained, (layer, key, value) -> value);
        int activations = 0;
        for (String[] f : folds) {
            foldInto(folded.getLayer(f[0]), trained.getLayer(f[1]));
            activations += f[2] != null ? 1 : 0;
        }
        return new Folded(folded, folds.size(), activations, residualRelus, false, InferenceLayers.Installed.NONE);
    }

    /** Makes each residual addition whose one reader is a plain ReLU layer a {@link ReluSumVertex}; the count. */
    private static int fuseResidualRelus(ComputationGraphConfiguration conf) {
        Map<String, GraphVertex> vertices = conf.getVertices();
        int fused = 0;
        for (String add : new ArrayList<>(vertices.keySet())) {
            if (!(vertices.get(add) instanceof ElementWiseVertex sum) || sum.getClass() != ElementWiseVertex.class
                    || sum.getOp() != ElementWiseVertex.Op.Add || conf.getNetworkOutputs().contains(add)) {
                continue;
            }
            List<String> next = consumers(conf, add);
            if (next.size() == 1 && !conf.getNetworkOutputs().contains(next.get(0))
                    && vertices.get(next.get(0)) instanceof LayerVertex lv && lv.getPreProcessor() == null
                    && layerOf(lv) instanceof ActivationLayer relu && relu.getClass() == ActivationLayer.class
                    && PLAIN_RELU.equals(relu.getActivationFn()) && relu.getIDropout() == null) {
                vertices.put(add, new ReluSumVertex());
                remove(conf, next.get(0), add);
                fused++;
            }
        }
        return fused;
    }

    /** ReLU without a threshold, cap or slope: what {@link ReluSumVertex} computes. */
    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /** A parameter as the rewritten graph takes it, given its layer, its key and the source's value. */
    interface ParameterMapping {
        INDArray map(String layer, String key, INDArray value);
    }

    /**
     * A new graph of the rewritten {@code conf}, each layer's parameters taken from the same-named
     * layer of {@code source} through {@code mapping}.
     */
    static ComputationGraph rebuilt(ComputationGraphConfiguration conf, ComputationGraph source, ParameterMapping mapping) {
        conf.setTopologicalOrder(null); // cached by the original; recomputed for the new vertex set
        conf.setTopologicalOrderStr(null);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        for (Layer layer : graph.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            for (Map.Entry<String, INDArray> p : source.getLayer(name).paramTable().entrySet()) {
                layer.setParam(p.getKey(), mapping.map(name, p.getKey(), p.getValue()));
            }
        }
        return graph;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv && lv.getLayerConf() != null ? lv.getLayerConf().getLayer() : null;
    }

    private static boolean foldable(ConvolutionLayer conv) {
        return conv.hasBias() && conv.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conv.getActivationFn() instanceof ActivationIdentity;
    }

    private static boolean foldable(BatchNormalization bn, Layer layer) {
        return bn.getCnn2DFormat() == CNN2DFormat.NCHW && layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN) != null;
    }

    private static List<String> consumers(ComputationGraphConfiguration conf, String vertex) {
        List<String> out = new ArrayList<>();
        conf.getVertexInputs().forEach((name, inputs) -> {
            if (inputs.contains(vertex)) {
                out.add(name);
            }
        });
        return out;
    }

    /** Removes single-input {@code vertex}, feeding its consumers from {@code source} instead. */
    private static void remove(ComputationGraphConfiguration conf, String vertex, String source) {
        conf.getVertices().remove(vertex);
        conf.getVertexInputs().remove(vertex);
        conf.getVertexInputs().replaceAll((name, inputs) -> inputs.stream().map(i -> i.equals(vertex) ? source : i).toList());
    }

    /** A batch-norm layer's inference statistics, per channel, whichever way DL4J stored them. */
    public record BatchNormStatistics(double[] gamma, double[] beta, double[] mean, double[] variance, double eps) {

        /** {@code s = γ/√(σ² + ε)}: the scale of the affine map batch norm is at inference. */
        INDArray scale() {
            INDArray v = Nd4j.createFromArray(variance).addi(eps);
            return Nd4j.createFromArray(gamma).divi(Transforms.sqrt(v, false));
        }
    }

    /** The statistics of a trained batch-norm layer ({@code bn}): γ, β, running mean and variance. */
    public static BatchNormStatistics statistics(Layer bn) {
        BatchNormalization c = (BatchNormalization) bn.conf().getLayer();
        INDArray mean = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).castTo(DataType.DOUBLE).reshape(-1);
        INDArray variance;
        if (c.isUseLogStd()) { // stored as log10 of the standard deviation
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(mean.shape(), 10.0, DataType.DOUBLE),
                    bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).castTo(DataType.DOUBLE).reshape(-1));
            variance = std.mul(std);
        } else {
            variance = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).castTo(DataType.DOUBLE).reshape(-1);
        }
        long channels = mean.length();
        INDArray gamma = c.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {channels}, c.getGamma(), DataType.DOUBLE)
                : bn.getParam(BatchNormalizationParamInitializer.GAMMA).castTo(DataType.DOUBLE).reshape(-1);
        INDArray beta = c.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {channels}, c.getBeta(), DataType.DOUBLE)
                : bn.getParam(BatchNormalizationParamInitializer.BETA).castTo(DataType.DOUBLE).reshape(-1);
        return new BatchNormStatistics(gamma.toDoubleVector(), beta.toDoubleVector(), mean.toDoubleVector(),
                variance.toDoubleVector(), c.getEps());
    }

    /** {@code W ← s·W}, {@code b ← s·(b − μ) + β} with {@code s = γ/√(σ² + ε)}, per output channel. */
    private static void foldInto(Layer conv, Layer bn) {
        BatchNormStatistics s = statistics(bn);
        long channels = s.mean().length;
        INDArray scale = s.scale();
        INDArray mean = Nd4j.createFromArray(s.mean());
        INDArray beta = Nd4j.createFromArray(s.beta());

        INDArray w = conv.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray b = conv.getParam(ConvolutionParamInitializer.BIAS_KEY);
        INDArray w2 = w.castTo(DataType.DOUBLE).reshape('c', channels, w.length() / channels)
                .mulColumnVector(scale.reshape(channels, 1)).reshape('c', w.shape());
        INDArray b2 = b.castTo(DataType.DOUBLE).reshape(-1).sub(mean).muli(scale).addi(beta).reshape(b.shape());
        conv.setParam(ConvolutionParamInitializer.WEIGHT_KEY, w2.castTo(w.dataType()));
        conv.setParam(ConvolutionParamInitializer.BIAS_KEY, b2.castTo(b.dataType()));
    }
}
