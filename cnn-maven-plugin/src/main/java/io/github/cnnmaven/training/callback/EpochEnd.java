package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/**
 * A finished epoch, validated.
 *
 * @param record         the epoch's line of {@code history.json}
 * @param metadata       what a model saved now would carry
 * @param hasValidation  whether there is a validation split (without one, nothing can improve)
 * @param epochs         the planned number of epochs
 * @param secondsSoFar   training time of all epochs so far, resumed runs included
 * @param history        every epoch so far, this one included
 */
public record EpochEnd(EpochRecord record, ComputationGraph graph, ModelMetadata metadata, boolean hasValidation,
                       int epochs, double secondsSoFar, List<EpochRecord> history) {

    public int epoch() {
        return record.epoch();
    }
}
