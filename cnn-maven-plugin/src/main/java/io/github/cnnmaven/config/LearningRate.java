package io.github.cnnmaven.config;

import io.github.cnnmaven.common.InvalidConfigurationException;

/**
 * Where {@code cnn.learningRate} comes from. The configuration holds the resolved number (it is what the
 * JSON files and the fingerprint carry); this says how it was chosen, which a study (a variant with
 * another optimizer takes that optimizer's default) and find-lr (auto takes the sweep's suggestion)
 * need to know.
 */
public sealed interface LearningRate {

    /** Unset: the optimizer's default, scaled for the preset ({@link Preset#scaleDefaultRate}). */
    LearningRate OPTIMIZER_DEFAULT = new OptimizerDefault();
    /** {@code auto}: find-lr's suggestion. */
    LearningRate AUTO = new Auto();

    /** The rate the configuration holds for an optimizer (null: Adam's) and a preset (null: declared layers). */
    double resolve(Optimizer optimizer, Preset preset);

    /** A rate the user gave. */
    record Fixed(double value) implements LearningRate {
        @Override
        public double resolve(Optimizer optimizer, Preset preset) {
            return value;
        }
    }

    /** {@code cnn.learningRate} not set. */
    record OptimizerDefault() implements LearningRate {
        @Override
        public double resolve(Optimizer optimizer, Preset preset) {
            double rate = (optimizer == null ? Optimizer.ADAM : optimizer).defaultLearningRate();
            return preset == null ? rate : preset.scaleDefaultRate(rate);
        }
    }

    /** {@code cnn.learningRate=auto}. */
    record Auto() implements LearningRate {
        /** The rate that stands in for auto until find-lr has suggested one (and in the fingerprint of a start). */
        public static final double PLACEHOLDER = 1.0;

        @Override
        public double resolve(Optimizer optimizer, Preset preset) {
            return PLACEHOLDER;
        }
    }

    /** {@code cnn.learningRate} as the POM writes it: blank, {@code auto} or a number. */
    static LearningRate parse(String text, String where) throws InvalidConfigurationException {
        if (text == null || text.isBlank()) {
            return OPTIMIZER_DEFAULT;
        }
        if (text.trim().equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            return new Fixed(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
            throw InvalidConfigurationException.of(where, text.trim(), HINT);
        }
    }

    /** What a bad {@code cnn.learningRate} is told. */
    String HINT = "use a positive number such as 0.001, or auto to use find-lr's suggestion";
}
