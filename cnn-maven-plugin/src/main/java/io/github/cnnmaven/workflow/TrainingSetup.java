package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.lrfinder.LrFinder;

/**
 * What the training goals (find-lr, train, evaluate, study) are asked to work on, checked: the
 * dataset, the training configuration and the learning-rate finder's settings.
 *
 * @param config           the configuration; with {@code autoLearningRate} its rate is a placeholder that
 *                         find-lr's suggestion replaces
 * @param autoLearningRate {@code cnn.learningRate=auto}
 * @param findLr           {@code cnn.findLr}: run the range test even with a given rate
 * @param fresh            {@code cnn.fresh}: ignore checkpoints and up-to-date outputs
 * @param interactive      a person watches (not {@code -B}): progress within epochs
 */
public record TrainingSetup(DatasetSpec dataset, TrainingConfig config, boolean autoLearningRate, LrFinder.Settings finder,
                            boolean findLr, boolean fresh, boolean interactive) {

    /** The rate that stands in for {@code auto} until find-lr has suggested one. */
    public static final double AUTO_PLACEHOLDER = 1.0;

    /** Checks the whole setup before any download or training. */
    public TrainingSetup validate() throws InvalidConfigurationException {
        dataset.validate();
        config.validate();
        LrFinder.validate(finder);
        return this;
    }
}
