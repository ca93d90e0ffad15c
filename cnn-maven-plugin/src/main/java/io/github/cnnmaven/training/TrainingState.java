package io.github.cnnmaven.training;

import java.util.ArrayList;
import java.util.List;

/** What a checkpoint holds beside the network and its updater, so a killed build resumes exactly. */
public final class TrainingState {
    public String fingerprint;
    public int epoch;
    public List<EpochRecord> history = new ArrayList<>();
    public double bestValidationAccuracy = -1;
    public int bestEpoch;
    /** Product of the plateau reductions so far. */
    public double learningRateFactor = 1;
    public int epochsWithoutImprovement;
    public double seconds;
}
