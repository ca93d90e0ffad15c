package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.function.Supplier;

/**
 * DL4J's batch-norm layer around a {@link FusedBatchNormHelper}, with the per-channel bookkeeping DL4J does around its
 * helper done in Java. In a training step DL4J turns the running log10(σ) into a variance that the helper does not read
 * in training, and derives the running statistics' updates from the batch's in some fifteen ND4J operations on vectors
 * of one value per channel, each an allocation and a native call: 4.4 % of resnet20's training time, more than
 * oneDNN's batch-norm forward pass (docs/benchmarks.md, "Batch norm bookkeeping"). The same float arithmetic, one
 * loop per vector. Inference passes, a layer whose γ and β are locked, and any call after the helper has failed run
 * DL4J's own code, except where the layer exchanges oneDNN's blocked layout with its neighbours: a failure then stops
 * training. The configuration, parameters and saved model are DL4J's.
 */
final class LeanBatchNormLayer extends BatchNormalization {

    private final FusedBatchNormHelper helper;

    LeanBatchNormLayer(BatchNormalization replaced, FusedBatchNormHelper helper) {
        super(replaced.conf(), DataType.FLOAT);
        TrainingLayers.carryOverWithParameters(replaced, this);
        BatchNormFusion.set(this, helper);
        this.helper = helper;
    }

    @Override
    public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr workspaceMgr) {
        requireOwnPath();
        if (training != TrainingMode.TRAIN || !covers(x)) {
            INDArray out = super.preOutput(x, training, workspaceMgr);
            requireOwnPath(); // DL4J's layer falls back within the call
            return out;
        }
        // globalVariance: only inference reads it, and that runs DL4J's code above
        return throughHelper(() -> helper.preOutput(x, true, getShape(x), getParam(BatchNormalizationParamInitializer.GAMMA),
                        getParam(BatchNormalizationParamInitializer.BETA), getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN),
                        null, layerConf().getDecay(), layerConf().getEps(), CNN2DFormat.NCHW, workspaceMgr),
                () -> super.preOutput(x, training, workspaceMgr));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        requireOwnPath();
        if (!covers(input) || epsilon.rank() != 4) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        Pair<Gradient, INDArray> result = throughHelper(() -> helper.backpropGradient(input, epsilon, getShape(epsilon),
                        getParam(BatchNormalizationParamInitializer.GAMMA), getParam(BatchNormalizationParamInitializer.BETA),
                        gradientViews.get(BatchNormalizationParamInitializer.GAMMA), gradientViews.get(BatchNormalizationParamInitializer.BETA),
                        layerConf().getEps(), CNN2DFormat.NCHW, workspaceMgr),
                () -> null);
        if (result == null) { // the helper failed and DL4J's own code runs from now on, as DL4J's layer would
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        runningStatisticsStep(result.getFirst());
        return result;
    }

    /**
     * The updates DL4J's layer derives from the batch statistics, which its updater subtracts from the running
     * statistics: written "distributed safe" as {@code (1 − decay)·(running − batch)} for the mean, and for log10(σ)
     * as {@code log10(σ²ₜ / σ²ₜ₊₁) / 2} with {@code σ²ₜ₊₁ = decay·σ²ₜ + (1 − decay)·batch variance}.
     */
    private void runningStatisticsStep(Gradient gradient) {
        float decay = (float) layerConf().getDecay();
        float keep = (float) (1 - layerConf().getDecay());
        towardsBatch(BatchNormalizationParamInitializer.GLOBAL_MEAN, helper.batchMean(), keep, gradient);
        float[] batchVariance = helper.batchVariance();
        if (!layerConf().isUseLogStd()) {
            towardsBatch(BatchNormalizationParamInitializer.GLOBAL_VAR, batchVariance, keep, gradient);
            return;
        }
        INDArray logStdStep = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
        FloatBuffer log10Std = values(getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
        FloatBuffer out = values(logStdStep);
        float half = (float) ONE_ON_2LOGE_10;
        for (int c = 0; c < batchVariance.length; c++) {
            float std = (float) Math.pow(10, log10Std.get(c));
            float variance = std * std;
            float next = variance * decay + batchVariance[c] * keep;
            out.put(c, (float) Math.log(variance / next) * half);
        }
        gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, logStdStep);
    }

    /** The update {@code (1 − decay)·(running − batch)} of the running statistic {@code param}, into its gradient view. */
    private void towardsBatch(String param, float[] batch, float keep, Gradient gradient) {
        INDArray step = gradientViews.get(param);
        FloatBuffer running = values(getParam(param));
        FloatBuffer out = values(step);
        for (int c = 0; c < batch.length; c++) {
            out.put(c, (running.get(c) - batch[c]) * keep);
        }
        gradient.setGradientFor(param, step);
    }

    /**
     * Runs {@code call} on the helper as DL4J's layer does: a failure to allocate is rethrown, any other failure counted
     * (DL4J's own code runs from then on: {@code otherwise}) unless the configuration forbids falling back.
     */
    private <T> T throughHelper(Supplier<T> call, Supplier<T> otherwise) {
        try {
            return call.get();
        } catch (RuntimeException | Error e) {
            if (e.getMessage() != null && e.getMessage().contains("Failed to allocate")) {
                throw e;
            }
            if (!layerConf().isCudnnAllowFallback()) {
                throw new RuntimeException("Error in the batch-norm helper of " + layerConf().getLayerName()
                        + " - isCudnnAllowFallback() is set to false", e);
            }
            helperCountFail++;
            requireOwnPath();
            org.slf4j.LoggerFactory.getLogger(LeanBatchNormLayer.class)
                    .warn("Batch norm helper failed on {} - falling back on DL4J's implementation", layerConf().getLayerName(), e);
            return otherwise.get();
        }
    }

    /**
     * DL4J's own code cannot read oneDNN's blocked layout: where this layer exchanges a blocked tensor with its
     * neighbours ({@link BlockedActivations}), a failure of its helper stops training rather than going on with misread
     * values.
     */
    private void requireOwnPath() {
        OneDnnBatchNorm oneDnn = helper.oneDnn();
        if (helperCountFail > 0 && oneDnn != null && (oneDnn.readsInputBlocked() || oneDnn.writesOutputBlocked())) {
            throw new IllegalStateException("Batch norm " + layerConf().getLayerName() + " fell back to DL4J's own code after"
                    + " an error, which cannot read the blocked layout it exchanges with its neighbours; train with"
                    + " -Dcnn.oneDnnBatchNorm=false in cnn.argLine to keep them in NCHW");
        }
    }

    /** What the helper's path covers: its first 4-d float pass through a layer with γ and β to learn. */
    private boolean covers(INDArray x) {
        return helperCountFail == 0 && x != null && x.rank() == 4 && x.dataType() == DataType.FLOAT
                && x.size(1) == layerConf().getNOut() && !layerConf().isLockGammaBeta();
    }

    /** A parameter or gradient vector's floats in place: a contiguous view into the network's flat arrays. */
    private static FloatBuffer values(INDArray vector) {
        if (vector.length() > 1 && vector.elementWiseStride() != 1) {
            throw new IllegalStateException("A batch-norm vector that is not one run of floats: " + vector.shapeInfoToString());
        }
        return vector.data().asNioFloat().slice(); // positioned at the view's offset
    }
}
