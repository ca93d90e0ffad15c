package io.github.cnnmaven.study;

import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.Augment;

import io.github.cnnmaven.config.Schedule;

import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyPlanTest {

    /** The base's rate was given (its value is in the base): every variant keeps it. */
    private static final LearningRate GIVEN = new LearningRate.Fixed(0.001);

    static final TrainingConfig BASE = TrainingFixtures.lenet5(3, Optimizer.ADAM, 0.003, null);

    static Map<String, String> axes(String... pairs) {
        Map<String, String> axes = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            axes.put(pairs[i], pairs[i + 1]);
        }
        return axes;
    }

    static List<StudyVariant> plan(String mode, String... pairs) throws InvalidConfigurationException {
        return StudyPlan.expand(BASE, StudySpec.parse(mode, axes(pairs)), "data", GIVEN);
    }

    @Test
    void oneAtATimeVariesEachAxisAroundTheBaseAndTrainsTheBaseOnce() throws Exception {
        // batchNorm=true is the base's own value: it is the base, not a second copy of it
        List<StudyVariant> variants = plan(null, "dropout", "0.1, 0.5", "batchNorm", "true,false", "cnn.kernelSize", "5");
        assertEquals(List.of("base", "dropout=0.1", "dropout=0.5", "batchNorm=false", "kernelSize=5"),
                variants.stream().map(StudyVariant::name).toList());
        assertEquals(BASE, variants.get(0).config());
        assertEquals(Fingerprint.of(BASE, "data"), variants.get(0).fingerprint(), "the base carries train's fingerprint");
        assertEquals(0.1, variants.get(1).config().dropout());
        assertTrue(variants.get(1).config().batchNorm(), "one axis at a time: the rest stays the base's");
        assertEquals(5, variants.get(4).config().kernelSize());
        assertEquals(5, variants.stream().map(StudyVariant::fingerprint).distinct().count());
        assertEquals(5, variants.stream().map(StudyVariant::directory).distinct().count());
        for (StudyVariant v : variants) {
            assertEquals(BASE.seed(), v.config().seed());
            assertEquals(BASE.epochs(), v.config().epochs());
            assertEquals(BASE.validationSplit(), v.config().validationSplit());
        }
    }

    @Test
    void anOptimizerVariantTakesItsOwnDefaultRateOnlyWhenTheBasesRateIsTheDefault() throws Exception {
        TrainingConfig defaulted = BASE.toBuilder().learningRate(LearningRate.OPTIMIZER_DEFAULT).build();
        assertEquals(0.001, defaulted.learningRate());
        StudySpec spec = StudySpec.parse("grid", axes("optimizer", "sgd,nesterov,adamw", "weightDecay", "0,0.001"));
        List<StudyVariant> variants = StudyPlan.expand(defaulted, spec, "data", LearningRate.OPTIMIZER_DEFAULT);
        assertEquals(6, variants.size());
        for (StudyVariant v : variants) {
            assertEquals(v.config().optimizer().defaultLearningRate(), v.config().learningRate(), v.name());
        }
        assertEquals(0.01, variants.get(0).config().learningRate(), "sgd's default, not adam's 0.001");
        assertEquals(0.001, StudyPlan.expand(defaulted, spec, "data", GIVEN).get(0).config().learningRate(),
                "a rate the POM gave stays, whatever the optimizer");
        List<StudyVariant> both = StudyPlan.expand(defaulted, StudySpec.parse("grid",
                axes("optimizer", "sgd", "learningRate", "0.2")), "data", LearningRate.OPTIMIZER_DEFAULT);
        assertEquals(0.2, both.get(0).config().learningRate(), "a rate on an axis wins");
        List<StudyVariant> networks = StudyPlan.expand(defaulted, StudySpec.parse("grid", axes("network", "lenet5,resnet34")),
                "data", LearningRate.OPTIMIZER_DEFAULT);
        assertEquals(List.of(0.001, 1.0E-4), networks.stream().map(v -> v.config().learningRate()).toList(),
                "each network's default rate");
    }

    @Test
    void anOptimizerVariantOfABaseAtItsOptimizersWeightDecayTakesTheVariantOptimizers() throws Exception {
        TrainingConfig defaulted = BASE.toBuilder().defaultWeightDecay().build();
        assertEquals(0.0005, defaulted.weightDecay(), "adam's L2");
        List<StudyVariant> variants = StudyPlan.expand(defaulted, StudySpec.parse(null, axes("optimizer", "sgd,adamw")),
                "data", GIVEN);
        assertEquals(List.of(0.0005, 0.0005, 0.05), variants.stream().map(v -> v.config().weightDecay()).toList(),
                "the base, sgd, and adamw, whose decoupled decay is multiplied by the rate: its own default");
        TrainingConfig adamw = BASE.toBuilder().optimizer(Optimizer.ADAMW).defaultWeightDecay().build();
        assertEquals(0.05, adamw.weightDecay());
        assertEquals(List.of(0.05, 0.0005), StudyPlan.expand(adamw, StudySpec.parse(null, axes("optimizer", "sgd")), "data",
                GIVEN).stream().map(v -> v.config().weightDecay()).toList(), "not adamw's 0.05 as an L2 penalty for sgd");
        TrainingConfig given = BASE.toBuilder().weightDecay(0.01).build();
        assertEquals(List.of(0.01, 0.01, 0.01), StudyPlan.expand(given, StudySpec.parse(null, axes("optimizer", "sgd,adamw")),
                "data", GIVEN).stream().map(v -> v.config().weightDecay()).toList(), "a decay the POM gave stays");
        assertEquals(List.of(0.001), StudyPlan.expand(adamw, StudySpec.parse("grid", axes("optimizer", "sgd",
                "weightDecay", "0.001")), "data", GIVEN).stream().map(v -> v.config().weightDecay()).toList(),
                "a decay on an axis wins");
    }

    @Test
    void fineTuningRefusesTheAxesThatReshapeTheNetwork() throws Exception {
        for (String axis : List.of("network", "kernelSize", "batchNorm")) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> StudyPlan.checkFineTuning(StudySpec.parse(null, axes("dropout", "0.1", axis, "x"))));
            assertEquals("Invalid value '" + axis + "' for <study><axes>: every variant fine-tunes the network of"
                    + " cnn.pretrained, whose layers " + axis + " would change: study the other hyperparameters, or unset"
                    + " cnn.pretrained", e.getMessage());
        }
        StudyPlan.checkFineTuning(StudySpec.parse("grid", axes("dropout", "0.1,0.3", "learningRate", "0.001,0.003",
                "freezeEpochs", "0,1")));
    }

    @Test
    void aStudyCanVaryTheWeightAveraging() throws Exception {
        List<StudyVariant> variants = plan(null, "ema", "off,0.999", "swa", "2");
        assertEquals(List.of("base", "ema=0.999", "swa=2"), variants.stream().map(StudyVariant::name).toList());
        assertEquals(0.999, variants.get(1).config().ema());
        assertEquals(2, variants.get(2).config().swa());
        assertEquals(3, variants.stream().map(StudyVariant::fingerprint).distinct().count());
    }

    @Test
    void gridTrainsEveryCombination() throws Exception {
        List<StudyVariant> variants = plan("grid", "dropout", "0.1,0.5", "schedule", "constant,cosine", "optimizer", "adam,sgd");
        assertEquals(8, variants.size());
        assertEquals("dropout=0.1, schedule=constant, optimizer=adam", variants.get(0).name());
        assertEquals("dropout=0.5, schedule=cosine, optimizer=sgd", variants.get(7).name());
        assertEquals(Schedule.COSINE, variants.get(7).config().schedule());
        assertEquals(Optimizer.SGD, variants.get(7).config().optimizer());
        assertEquals("dropout=0.5_schedule=cosine_optimizer=sgd", variants.get(7).directory());
    }

    @Test
    void valuesHoldingCommasAreSeparatedByBars() throws Exception {
        List<StudyVariant> variants = plan(null, "augment", "none|crop4,flip", "dropout", "default|0.2");
        assertEquals(List.of("base", "augment=none", "augment=crop4,flip", "dropout=0.2"),
                variants.stream().map(StudyVariant::name).toList());
        assertEquals(List.of(), variants.get(1).config().augment());
        assertEquals(List.of(Augment.CROP4, Augment.FLIP), variants.get(2).config().augment());
        assertNull(variants.get(0).config().dropout(), "dropout=default is the base's preset default");
    }

    @Test
    void badAxesAndValuesNameTheAxisAndHowToFixIt() {
        String unknown = assertThrows(InvalidConfigurationException.class, () -> plan(null, "dropOut", "0.1")).getMessage();
        assertTrue(unknown.startsWith("Invalid value 'dropOut' for <study><axes>: an axis is a training property"), unknown);
        assertTrue(unknown.contains("dropout"), unknown);
        String unfair = assertThrows(InvalidConfigurationException.class, () -> plan(null, "epochs", "5,10")).getMessage();
        assertTrue(unfair.contains("every variant gets the same epoch budget"), unfair);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> plan(null, "seed", "1,2")).getMessage()
                .contains("same seed"));
        String type = assertThrows(InvalidConfigurationException.class, () -> plan(null, "batchNorm", "yes")).getMessage();
        assertEquals("Invalid value 'yes' for <study><axes><batchNorm>: use true or false", type);
        String range = assertThrows(InvalidConfigurationException.class, () -> plan(null, "dropout", "0.1,1.5")).getMessage();
        assertTrue(range.startsWith("Study variant 'dropout=1.5' is invalid: Invalid value '1.5' for cnn.dropout"), range);
        String step = assertThrows(InvalidConfigurationException.class, () -> plan(null, "schedule", "step")).getMessage();
        assertTrue(step.contains("cnn.stepSize"), step);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> plan("random", "dropout", "0.1")).getMessage()
                .contains("use one-at-a-time (the default) or grid"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> plan(null)).getMessage()
                .contains("declares no axes"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> plan(null, "dropout", "0.1,,0.2")).getMessage()
                .contains("<study><axes><dropout>"));
        String auto = assertThrows(InvalidConfigurationException.class, () -> plan(null, "learningRate", "0.01,auto")).getMessage();
        assertTrue(auto.startsWith("Invalid value 'auto' for <study><axes><learningRate>: a study axis takes rates"), auto);
    }

    @Test
    void kernelSizeNeedsAPresetWithAVariableKernel() {
        TrainingConfig resnet = TrainingConfig.builder().network("resnet20").epochs(3).batchSize(32).validationSplit(0.2).build();
        String message = assertThrows(InvalidConfigurationException.class, () -> StudyPlan.expand(resnet,
                StudySpec.parse(null, axes("kernelSize", "3,5")), "data", GIVEN)).getMessage();
        assertTrue(message.contains("resnet20 has a fixed kernel size"), message);
    }

    @Test
    void theBaseValueOfAnAxisIsShownAsText() {
        assertEquals("default", StudyPlan.valueOf(BASE, "dropout"));
        assertEquals("true", StudyPlan.valueOf(BASE, "batchNorm"));
        assertEquals("flip", StudyPlan.valueOf(BASE, "augment"));
        assertEquals("0.003", StudyPlan.valueOf(BASE, "learningRate"));
    }
}
