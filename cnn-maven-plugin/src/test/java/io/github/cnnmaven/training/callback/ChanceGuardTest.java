package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.training.TrainingDivergedException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule of docs/goals.md: the first three epochs' validation accuracy at chance fails the run. */
class ChanceGuardTest {

    static EpochEnd end(double[] validationAccuracy, double validationLoss) {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= validationAccuracy.length; e++) {
            history.add(new EpochRecord(e, 1.0, 0.4, validationLoss, validationAccuracy[e - 1], 0.001, 10, 100));
        }
        return new EpochEnd(history.get(history.size() - 1), null, null, true, 10, 30, history);
    }

    /** The hostile user's case: alexnet at adam 0.001 on a hard 3-class folder, 0.3333 and a loss of 18.42 throughout. */
    @Test
    void threeEpochsAtChanceFailNamingTheRuleAndTheSaturatedLoss() throws Exception {
        ChanceGuard guard = new ChanceGuard(1 / 3.0, 3, 0.001);
        assertEquals(1 / 3.0 + 0.0333, guard.threshold(), 1e-4);
        assertNull(guard.afterEpoch(end(new double[] {0.3333}, 18.42)), "judged only after epoch 3");
        assertNull(guard.afterEpoch(end(new double[] {0.3333, 0.3333}, 18.42)));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> guard.afterEpoch(end(new double[] {0.3333, 0.3333, 0.3333}, 18.42)));
        assertEquals("Training is not learning: the validation accuracy of epochs 1-3 (0.3333, 0.3333, 0.3333) stayed at"
                + " chance, 0.3333 for always guessing the largest of 3 classes (at most 0.3667 counts as chance); the"
                + " validation loss, 18.42, is saturated (guessing gives 1.10): the network is certain and wrong. No model"
                + " was written. Lower the learning rate (cnn.learningRate=0.001; mvn cnn:find-lr picks one), turn on"
                + " batch norm (cnn.batchNorm), or check that the pipeline can fit a tiny subset (cnn.overfit=64).",
                e.getMessage());
    }

    @Test
    void oneEpochAboveChanceOrNoValidationPasses() throws Exception {
        ChanceGuard guard = new ChanceGuard(0.5, 2, 0.01);
        assertEquals(0.525, guard.threshold(), 1e-12);
        assertNull(guard.afterEpoch(end(new double[] {0.5, 0.51, 0.53}, 0.69)), "epoch 3 is above 0.525: learning");
        assertNull(guard.afterEpoch(end(new double[] {0.5, 0.5, 0.5, 0.5}, 0.69)), "epoch 4: already judged at 3");
        EpochEnd noValidation = new EpochEnd(new EpochRecord(3, 1, 0.5, Double.NaN, Double.NaN, 0.01, 1, 1), null, null,
                false, 10, 3, List.of());
        assertNull(guard.afterEpoch(noValidation));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> guard.afterEpoch(end(new double[] {0.5, 0.52, 0.51}, 0.70)));
        assertTrue(e.getMessage().contains("(at most 0.5250 counts as chance). No model"), "not saturated: " + e.getMessage());
    }
}
