package io.github.cnnmaven.training;

import io.github.cnnmaven.common.CnnException;

/** The loss became NaN or infinite: nothing is saved, and the message points at the learning rate. */
public class TrainingDivergedException extends CnnException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
