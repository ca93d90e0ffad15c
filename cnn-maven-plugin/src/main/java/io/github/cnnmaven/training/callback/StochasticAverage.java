package io.github.cnnmaven.training.callback;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cnn.swa}: stochastic weight averaging (Izmailov et al.), the equal-weight mean of the weights at the end
 * of each of the last epochs. The average's batch-norm statistics belong to none of the averaged networks, so they
 * are re-estimated on training images before the average is validated or kept, as PyTorch's {@code update_bn} does.
 */
public final class StochasticAverage extends WeightAverage {

    private final int lastEpochs;
    private final BatchNormPass batchNorm;

    public StochasticAverage(int lastEpochs, BatchNormPass batchNorm) {
        if (lastEpochs < 1) {
            throw new IllegalArgumentException("lastEpochs " + lastEpochs);
        }
        this.lastEpochs = lastEpochs;
        this.batchNorm = batchNorm;
    }

    @Override
    public String describe() {
        return "Weight averaging (cnn.swa): the weights of the last " + lastEpochs + " epochs averaged, batch-norm"
                + " statistics re-estimated; those epochs validate with the average, and the kept model and the export use it";
    }

    /** Whether {@code epoch}'s weights enter the average: one of the last epochs of the plan. */
    boolean averages(int epoch, int plannedEpochs) {
        return epoch > plannedEpochs - lastEpochs;
    }

    @Override
    public void epochTrained(int epoch, int plannedEpochs, ComputationGraph graph) {
        if (averages(epoch, plannedEpochs)) {
            update(graph.params());
        } else if (average != null) {
            // a time budget re-planned the run longer: the last epochs are still to come
            average = null;
            updates = 0;
            changed();
        }
    }

    /** average ← (n·average + params)/(n + 1): the mean of the n + 1 weights so far. */
    void update(INDArray params) {
        if (average == null) {
            average = params.dup();
        } else {
            blend(average, params, updates / (updates + 1.0));
        }
        updates++;
        changed();
    }

    @Override
    protected void prepare(ComputationGraph graph) {
        batchNorm.reestimate(graph);
    }
}
