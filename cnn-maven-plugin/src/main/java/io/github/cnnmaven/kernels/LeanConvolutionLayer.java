package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution whose backward pass does not run the forward pass a second time: DL4J's
 * {@code ConvolutionLayer.backpropGradient} always recomputes the output, only to hand it to the activation
 * function's derivative, and that is a large share of a training step (scripts/profile-training.sh measures it).
 * Each subclass gives that derivative what it really reads ({@link #standIn}). The gradients are DL4J's.
 *
 * <p>It may compute with oneDNN directly ({@link #computeWith}) and exchange its output with the batch norm after
 * it, or its input with the layer before it, in oneDNN's blocked layout ({@link #exchangeBlocked}), which
 * neither DL4J's convolution nor its batch norm can read: once any of them has fallen back to its own code after an
 * error, training stops rather than going on with misread values.
 */
abstract class LeanConvolutionLayer extends ConvolutionLayer {

    /** Whether this layer reads or writes a tensor in a blocked layout another layer exchanges with it. */
    private boolean exchangesBlocked;

    LeanConvolutionLayer(ConvolutionLayer replaced) {
        super(replaced.conf(), replaced.getDataType());
        TrainingLayers.carryOverWithParameters(replaced, this);
    }

    /**
     * What the backward pass hands the activation's derivative in place of the recomputed pre-activation, as the
     * first of the pair DL4J's output computation returns; null where DL4J computes it as it always does.
     */
    protected abstract Pair<INDArray, INDArray> standIn(boolean forBackprop);

    /** The backward pass proper: {@link #dl4jBackward}, with whatever {@link #standIn} needs around it. */
    protected abstract Pair<Gradient, INDArray> backward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr);

    @Override
    public final Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        requireOwnPath(); // the batch norm's passes since this layer's forward pass
        Pair<Gradient, INDArray> gradients = backward(epsilon, workspaceMgr);
        requireOwnPath(); // before the updater takes these gradients
        return gradients;
    }

    /** DL4J's backward pass, which asks {@link #preOutput4d} for the pre-activation. */
    protected final Pair<Gradient, INDArray> dl4jBackward(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    @Override
    protected final Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        Pair<INDArray, INDArray> standIn = standIn(forBackprop);
        if (standIn != null) {
            return standIn;
        }
        requireOwnPath();
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    /**
     * From now on this layer exchanges a tensor (its output or its input) and its gradient in a blocked layout. (A batch
     * norm it exchanges one with guards itself: {@link LeanBatchNormLayer}.)
     */
    final void exchangeBlocked() {
        exchangesBlocked = true;
    }

    private void requireOwnPath() {
        if (exchangesBlocked && helperCountFail > 0) {
            throw new IllegalStateException("Layer " + layerConf().getLayerName() + " fell back to DL4J's own code after an"
                    + " error, which cannot read the blocked layout it exchanges with its neighbours; train with"
                    + " -Dcnn.oneDnnBatchNorm=false in cnn.argLine to keep them in NCHW");
        }
    }

    /** The convolution it computes with. */
    final ConvolutionHelper convolution() {
        return helper;
    }

    /** Computes the convolution with {@code convolution} (oneDNN called directly) in place of DL4J's helper. */
    final void computeWith(ConvolutionHelper convolution) {
        helper = convolution;
        helperCountFail = 0;
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return RegularizationScore.of(this); // every parameter of this layer is a backprop parameter
    }
}
