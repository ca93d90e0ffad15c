package io.github.cnnmaven.training.callback;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cnn.freezeEpochs}: for the first epochs of fine-tuning only the new classifier learns, as
 * fastai's {@code fine_tune} does. After every step of those epochs every other parameter, the
 * batch-norm statistics included, is put back to the pretrained value.
 *
 * <p>Why not a learning rate of 0 on those layers: DL4J groups layers with equal updater settings
 * into one block of optimiser state, so giving some layers another rate re-lays Adam's state out
 * under it (the failure {@code SchedulesTest} guards against). Restoring the weights costs two
 * copies of the parameters per step and leaves the optimiser alone. No state of its own: after a
 * resume the checkpoint's backbone is still the pretrained one while frozen.
 */
public final class FrozenBackbone implements TrainingCallback {

    private final int epochs;
    private final String classifier;
    private final INDArray pretrained;

    /** @param graph the network right after the pretrained weights were loaded (or a frozen epoch's checkpoint) */
    public FrozenBackbone(int epochs, String classifier, ComputationGraph graph) {
        this.epochs = epochs;
        this.classifier = classifier;
        this.pretrained = graph.params().dup();
    }

    @Override
    public String name() {
        return "frozenBackbone";
    }

    /** Whether the backbone is frozen in this epoch. */
    public boolean frozen(int epoch) {
        return epoch <= epochs;
    }

    @Override
    public void afterBatch(BatchEnd batch) {
        if (!frozen(batch.epoch())) {
            return;
        }
        Layer head = batch.graph().getLayer(classifier);
        INDArray learned = head.params().dup();
        batch.graph().params().assign(pretrained);
        head.params().assign(learned);
    }
}
