package io.github.cnnmaven.kernels;

import io.github.cnnmaven.kernels.BatchNormKernels.Dims;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static io.github.cnnmaven.kernels.FloatTensors.buffer;
import static io.github.cnnmaven.kernels.FloatTensors.whole;

/**
 * Batch norm on the CPU for NCHW float tensors, fused with the ReLU layer that follows it when
 * there is one ({@link BatchNormFusion} decides and installs it). It takes the place of DL4J's layer
 * helper, so the layer, its parameters, its running statistics (DL4J folds the batch statistics
 * this helper reports into them) and the saved model stay DL4J's own.
 *
 * <p>Why not DL4J's oneDNN helper: DL4J hands oneDNN plain NCHW tensors, for which its batch-norm
 * kernels are the slow reference ones (a third of an alexnet-cifar training step), and the separate
 * ReLU layer copies the activations once forward and twice backward. Here the forward pass is two
 * sweeps (statistics; normalise, scale, shift and ReLU) and the backward pass two (the reductions
 * for dγ and dβ with the ReLU mask folded in; dx), see {@link BatchNormKernels}. A batch norm that
 * takes its input from a convolution in oneDNN's blocked layout runs through oneDNN's primitive instead
 * ({@link BlockedActivations} gives it one): with NCHW on both sides, the conversions cost what oneDNN's
 * faster arithmetic saves.
 */
public final class FusedBatchNormHelper implements BatchNormalizationHelper {

    private final boolean relu;
    /** Null where the training passes run the Java kernels. */
    private OneDnnBatchNorm oneDnn;
    /** Whether the last training forward pass ran through {@link #oneDnn}; its backward pass must too. */
    private boolean forwardThroughOneDnn;
    /** The last training batch's statistics, from which the running statistics move after backprop. */
    private float[] batchMean;
    private float[] batchVariance;
    /** What the last training forward pass normalised with; the backward pass needs exactly these. */
    private float[] mean;
    private float[] scale;
    private float[] shift;
    private double[] inverseStd;

    /** @param relu whether the ReLU of the next layer is applied here (that layer then passes values through) */
    public FusedBatchNormHelper(boolean relu) {
        this.relu = relu;
    }

    /** Whether this helper applies the following layer's ReLU. */
    boolean fusesRelu() {
        return relu;
    }

    /** Runs the training passes, and every pass of a blocked input, through {@code batchNorm} from now on. */
    void computeWith(OneDnnBatchNorm batchNorm) {
        if (batchNorm.fusesRelu() != relu) {
            throw new IllegalArgumentException("The oneDNN batch norm must apply the ReLU exactly where this helper does");
        }
        oneDnn = batchNorm;
        forwardThroughOneDnn = false;
    }

    /** Whether the last training passes ran through oneDNN rather than the Java kernels. */
    boolean trainedThroughOneDnn() {
        return forwardThroughOneDnn;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray globalMean,
                              INDArray globalVariance, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        requireSupported(x, format);
        INDArray in = whole(x, inputBlocked());
        Dims dims = dims(in);
        int c = dims.channels();
        if (training) {
            forwardThroughOneDnn = false;
        }
        if (training && oneDnn != null) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
            float[] mu = new float[c];
            float[] variance = new float[c];
            if (oneDnn.forward(in, (float) eps, toFloats(vector(gamma)), toFloats(vector(beta)), out, mu, variance)) {
                cacheStatistics(mu, variance);
                forwardThroughOneDnn = true;
                return out;
            }
        }
        if (inputBlocked()) {
            if (training) {
                throw new IllegalStateException("oneDNN has no batch norm for a blocked input of " + java.util.Arrays.toString(in.shape()));
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
            oneDnn.infer(in, (float) eps, toFloats(vector(gamma)), toFloats(vector(beta)), toFloats(vector(globalMean)),
                    toFloats(vector(globalVariance)), out);
            return out;
        }
        double[] mu;
        double[] variance;
        if (training) {
            mu = new double[c];
            variance = new double[c];
            BatchNormKernels.statistics(buffer(in), dims, mu, variance);
            cacheStatistics(toFloats(mu), toFloats(variance));
        } else {
            mu = vector(globalMean);
            variance = vector(globalVariance);
        }
        double[] g = vector(gamma);
        double[] b = vector(beta);
        float[] muF = new float[c];
        float[] scaleF = new float[c];
        float[] shiftF = new float[c];
        double[] inv = new double[c];
        for (int ch = 0; ch < c; ch++) {
            inv[ch] = 1 / Math.sqrt(variance[ch] + eps);
            muF[ch] = (float) mu[ch];
            scaleF[ch] = (float) (g[ch] * inv[ch]);
            shiftF[ch] = (float) (b[ch] - mu[ch] * g[ch] * inv[ch]);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
        BatchNormKernels.normalise(buffer(in), buffer(out), dims, scaleF, shiftF, relu);
        if (training) {
            mean = muF;
            scale = scaleF;
            shift = shiftF;
            inverseStd = inv;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma, INDArray beta,
                                                     INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        requireSupported(input, format);
        INDArray x = whole(input, inputBlocked());
        INDArray dy = whole(epsilon, oneDnn != null && oneDnn.writesOutputBlocked());
        Dims dims = dims(x);
        int c = dims.channels();
        if (forwardThroughOneDnn) {
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
            float[] dGamma = new float[c];
            float[] dBeta = new float[c];
            if (!oneDnn.backward(x, (float) eps, dy, dx, dGamma, dBeta)) {
                throw new IllegalStateException("Batch norm backward pass of another shape than its forward pass");
            }
            return gradient(dGamma, dGammaView, dBeta, dBetaView, dx);
        }
        if (scale == null) {
            throw new IllegalStateException("Batch norm backward pass without a training forward pass");
        }
        double[] sumG = new double[c];
        double[] sumGxc = new double[c];
        BatchNormKernels.reduce(buffer(x), buffer(dy), dims, scale, shift, mean, relu, sumG, sumGxc);
        double[] g = vector(gamma);
        double count = (double) dims.images() * dims.plane();
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        float[] a = new float[c];
        float[] b = new float[c];
        float[] k = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double r = inverseStd[ch];
            double gammaGrad = sumGxc[ch] * r;
            dGamma[ch] = (float) gammaGrad;
            dBeta[ch] = (float) sumG[ch];
            // dx = γr·g − γr·Σg/M − γr²·(x−μ)·dγ/M
            double coefX = -g[ch] * r * r * gammaGrad / count;
            a[ch] = (float) (g[ch] * r);
            b[ch] = (float) coefX;
            k[ch] = (float) (-g[ch] * r * sumG[ch] / count - coefX * mean[ch]);
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        BatchNormKernels.inputGradient(buffer(x), buffer(dy), buffer(dx), dims, scale, shift, relu, a, b, k);
        return gradient(dGamma, dGammaView, dBeta, dBetaView, dx);
    }

    private static Pair<Gradient, INDArray> gradient(float[] dGamma, INDArray dGammaView, float[] dBeta, INDArray dBetaView,
                                                     INDArray dx) {
        write(dGamma, dGammaView);
        write(dBeta, dBetaView);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dx);
    }

    /** DL4J's layer reads the batch statistics as arrays; {@link LeanBatchNormLayer} reads {@link #batchMean()}. */
    @Override
    public INDArray getMeanCache(DataType dataType) {
        return outsideWorkspaces(batchMean);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return outsideWorkspaces(batchVariance);
    }

    /** The last training batch's mean per channel. */
    float[] batchMean() {
        return batchMean;
    }

    /** The last training batch's variance per channel. */
    float[] batchVariance() {
        return batchVariance;
    }

    @Override
    public boolean checkSupported(double eps, boolean fallbackAllowed) {
        return true;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn == null ? Map.of() : Map.of("oneDNN batch norm", oneDnn.heldBytes());
    }

    private void cacheStatistics(float[] mu, float[] variance) {
        batchMean = mu;
        batchVariance = variance;
    }

    private static INDArray outsideWorkspaces(float[] values) {
        if (values == null) {
            return null;
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.createFromArray(values);
        }
    }

    private static void requireSupported(INDArray x, CNN2DFormat format) {
        // BatchNormFusion installs this helper only where these hold; a change of data type or
        // layout in a running network is a bug, not a case to handle slowly.
        if (format != CNN2DFormat.NCHW || x.rank() != 4 || x.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("The fused batch norm takes NCHW float activations, not " + format + " "
                    + x.dataType() + " of rank " + x.rank());
        }
    }

    /** The oneDNN batch norm it runs through; null where the Java kernels run. */
    OneDnnBatchNorm oneDnn() {
        return oneDnn;
    }

    /** Whether the input arrives in oneDNN's blocked layout: then every pass runs through {@link #oneDnn}. */
    private boolean inputBlocked() {
        return oneDnn != null && oneDnn.readsInputBlocked();
    }

    private static Dims dims(INDArray x) {
        return new Dims(Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1)), Math.toIntExact(x.size(2) * x.size(3)));
    }

    /**
     * A parameter vector's values, read one by one: a reshaped view and a copy would be two more arrays a call, each
     * tracked by ND4J until the collector reaches it (see training.SplitBatchStep.NetworksOwn).
     */
    private static double[] vector(INDArray v) {
        double[] values = new double[Math.toIntExact(v.length())];
        for (int i = 0; i < values.length; i++) {
            values[i] = v.getDouble(i);
        }
        return values;
    }

    /** Writes {@code values} into a gradient view one by one, for the same reason. */
    private static void write(float[] values, INDArray view) {
        for (int i = 0; i < values.length; i++) {
            view.putScalar(i, values[i]);
        }
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
