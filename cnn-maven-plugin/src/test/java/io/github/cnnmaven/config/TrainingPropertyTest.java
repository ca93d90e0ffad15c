package io.github.cnnmaven.config;

import io.github.cnnmaven.common.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue is the configuration's one description: every record component has a row, and its rows act. */
class TrainingPropertyTest {

    @Test
    void everyComponentOfTheConfigurationHasARowAndEveryRowAComponent() {
        Set<String> components = new TreeSet<>(Arrays.stream(TrainingConfig.class.getRecordComponents())
                .map(RecordComponent::getName).toList());
        assertEquals(components, new TreeSet<>(TrainingProperty.ids()));
    }

    @Test
    void theDefaultsAreTheCataloguesAndValid() throws Exception {
        TrainingConfig defaults = TrainingConfig.defaults().validate();
        assertEquals(20, defaults.epochs());
        assertEquals("alexnet-cifar", defaults.network());
        for (TrainingProperty p : TrainingProperty.values()) {
            if (p != TrainingProperty.LEARNING_RATE && p != TrainingProperty.WEIGHT_DECAY) { // resolved, asserted below
                assertEquals(p.defaultValue(), p.value(defaults), p.property());
            }
        }
        assertEquals(Optimizer.ADAM.defaultLearningRate(), defaults.learningRate(), "unset: the optimizer's rate");
        assertEquals(Optimizer.ADAM.defaultWeightDecay(), defaults.weightDecay(), "unset: the optimizer's decay");
    }

    @Test
    void everyDefaultWrittenAsTextBuildsTheDefaults() throws Exception {
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(3).optimizer(Optimizer.SGD).augment(List.of(Augment.FLIP));
        for (TrainingProperty p : TrainingProperty.values()) {
            if (p.defaultText() != null) {
                b.set(p, p.defaultText(), p.property());
            }
        }
        assertEquals(TrainingConfig.defaults(), b.build());
    }

    @Test
    void aBadValueNamesTheWhereOfTheCaller() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TrainingConfig.builder().set("epochs", "many", "<axes><epochs>"));
        assertEquals("Invalid value 'many' for <axes><epochs>: use a number", e.getMessage());
        e = assertThrows(InvalidConfigurationException.class, () -> TrainingConfig.builder().set("epoch", "3", "cnn.epoch"));
        assertTrue(e.getMessage().contains("not a training property: use one of network, layers, kernelSize, epochs"),
                e.getMessage());
    }

    @Test
    void everyCheckNamesItsProperty() {
        List<String> unchecked = new ArrayList<>();
        check(unchecked, "cnn.kernelSize", TrainingConfig.builder().kernelSize(4));
        check(unchecked, "cnn.epochs", TrainingConfig.builder().epochs(0));
        check(unchecked, "cnn.batchSize", TrainingConfig.builder().batchSize(-1));
        check(unchecked, "cnn.optimizer", TrainingConfig.builder().optimizer(null));
        check(unchecked, "cnn.learningRate", TrainingConfig.builder().learningRate(0));
        check(unchecked, "cnn.momentum", TrainingConfig.builder().momentum(1));
        check(unchecked, "cnn.weightDecay", TrainingConfig.builder().weightDecay(-0.1));
        check(unchecked, "cnn.schedule", TrainingConfig.builder().schedule(null));
        check(unchecked, "cnn.stepSize", TrainingConfig.builder().schedule(Schedule.STEP));
        check(unchecked, "cnn.milestones", TrainingConfig.builder().schedule(Schedule.MULTISTEP));
        check(unchecked, "cnn.gamma", TrainingConfig.builder().gamma(0));
        check(unchecked, "cnn.patience", TrainingConfig.builder().patience(0));
        check(unchecked, "cnn.warmupEpochs", TrainingConfig.builder().warmupEpochs(20));
        check(unchecked, "cnn.dropout", TrainingConfig.builder().dropout(1.0));
        check(unchecked, "cnn.augment", TrainingConfig.builder().augment(List.of(Augment.RESIZECROP, Augment.RANDOMRESIZEDCROP)));
        check(unchecked, "cnn.resizeTo", TrainingConfig.builder().resizeTo(256));
        check(unchecked, "cnn.labelSmoothing", TrainingConfig.builder().labelSmoothing(1));
        check(unchecked, "cnn.gradientClip", TrainingConfig.builder().gradientClip(-1));
        check(unchecked, "cnn.validationSplit", TrainingConfig.builder().validationSplit(1));
        check(unchecked, "cnn.earlyStopping", TrainingConfig.builder().earlyStopping(-1));
        check(unchecked, "cnn.maxMinutes", TrainingConfig.builder().maxMinutes(-1));
        check(unchecked, "cnn.minEpochs", TrainingConfig.builder().minEpochs(21));
        check(unchecked, "cnn.freezeEpochs", TrainingConfig.builder().freezeEpochs(-1));
        check(unchecked, "cnn.overfit", TrainingConfig.builder().overfit(0));
        check(unchecked, "cnn.network", TrainingConfig.builder().network("resnet1000"));
        assertTrue(unchecked.isEmpty(), "accepted or misnamed: " + unchecked);
    }

    private static void check(List<String> unchecked, String property, TrainingConfig.Builder b) {
        try {
            b.build().validate();
            unchecked.add(property + " (accepted)");
        } catch (InvalidConfigurationException e) {
            if (!e.getMessage().contains("for " + property + ":")) {
                unchecked.add(property + " (" + e.getMessage() + ")");
            }
        }
    }

    @Test
    void onlyTheTimeBudgetStaysOutOfTheFingerprint() throws Exception {
        TrainingConfig base = TrainingConfig.defaults();
        String fingerprint = Fingerprint.of(base, "data");
        for (TrainingProperty p : TrainingProperty.values()) {
            if (p == TrainingProperty.LAYERS || p == TrainingProperty.OVERFIT) {
                continue; // a different network or the sanity check: exercised where they are built
            }
            String changed = switch (p) {
                case NETWORK -> "lenet5";
                case OPTIMIZER -> "sgd";
                case SCHEDULE -> "cosine";
                case AUGMENT -> "flip";
                case BALANCE -> "oversample";
                case BATCH_NORM -> "false";
                case MILESTONES -> "3";
                case LEARNING_RATE, DROPOUT, MOMENTUM, VALIDATION_SPLIT, GAMMA, WEIGHT_DECAY, LABEL_SMOOTHING, GRADIENT_CLIP -> "0.3";
                default -> "2"; // the counts: epochs, sizes, patiences, the seed
            };
            TrainingConfig other = base.toBuilder().set(p, changed, p.property()).build();
            assertNotEquals(base, other, p.property());
            boolean differs = !Fingerprint.of(other, "data").equals(fingerprint);
            assertEquals(p.entersFingerprint(), differs, p.property() + "=" + changed);
            assertEquals(p != TrainingProperty.MAX_MINUTES && p != TrainingProperty.MIN_EPOCHS, differs, p.property());
        }
    }

    @Test
    void theStudyAxesAreTheCataloguesAndTheUnfairOnesAreNot() {
        Set<String> notAxes = new TreeSet<>();
        for (TrainingProperty p : TrainingProperty.values()) {
            if (p.notAnAxis() != null) {
                notAxes.add(p.id());
            }
        }
        assertEquals(new TreeSet<>(List.of("earlyStopping", "epochs", "layers", "maxMinutes", "minEpochs", "overfit", "seed",
                "validationSplit")), notAxes);
    }
}
