package io.github.cnnmaven.config;

import io.github.cnnmaven.common.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingConfigTest {

    static TrainingConfig with(String network, double lr, double validationSplit, Schedule schedule, int stepSize) {
        return TrainingConfig.builder().network(network).epochs(10).batchSize(32).validationSplit(validationSplit)
                .learningRate(lr).schedule(schedule).stepSize(stepSize).build();
    }

    static String message(TrainingConfig c) {
        return assertThrows(InvalidConfigurationException.class, c::validate).getMessage();
    }

    @Test
    void defaultsAreValid() throws Exception {
        TrainingConfig.defaults().validate();
    }

    @Test
    void eachBadValueNamesItsProperty() {
        assertTrue(message(with("lenet7", 0.001, 0.1, Schedule.CONSTANT, 0)).startsWith("Invalid value 'lenet7' for cnn.network"));
        assertTrue(message(with("lenet5", -0.1, 0.1, Schedule.CONSTANT, 0)).startsWith("Invalid value '-0.1' for cnn.learningRate"));
        assertTrue(message(with("lenet5", 0.001, 1.0, Schedule.CONSTANT, 0)).startsWith("Invalid value '1.0' for cnn.validationSplit"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> TrainingConfig.builder()
                .set("schedule", "warp", "cnn.schedule")).getMessage().startsWith("Invalid value 'warp' for cnn.schedule"));
        assertTrue(message(with("lenet5", 0.001, 0.1, Schedule.STEP, 0)).contains("cnn.stepSize"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> Augment.parseList("crop4, rotate"));
        assertEquals("Invalid value 'rotate' for cnn.augment: use a comma list of crop4, flip, jitter, cutout,"
                + " erase, resizecrop, randomresizedcrop (or none)", e.getMessage());
    }

    @Test
    void weightAveragingTakesADecayOrAHalfLifeAndOneKindAtATime() throws Exception {
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(10);
        assertEquals(0.999, b.set("ema", "0.999", "cnn.ema").build().ema());
        assertEquals(0.5, Math.pow(b.set("ema", "500", "cnn.ema").build().ema(), 500), 1e-12, "a half-life of 500 steps");
        assertEquals(0, b.set("ema", "off", "cnn.ema").build().ema());
        assertEquals("decay 0.998615 per step (half-life 500 steps)",
                TrainingProperty.EMA.shown(b.set("ema", "500", "cnn.ema").build()));
        assertEquals("Invalid value 'soon' for cnn.ema: use off, a decay below 1 such as 0.999, or a half-life in steps"
                + " such as 500", assertThrows(InvalidConfigurationException.class, () -> b.set("ema", "soon", "cnn.ema"))
                .getMessage());
        assertTrue(message(b.set("ema", "-0.5", "cnn.ema").build()).startsWith("Invalid value '-0.5' for cnn.ema"));
        assertTrue(message(b.ema(0.99).swa(2).build()).endsWith("use one of cnn.ema and cnn.swa, not both"));
        assertEquals("Invalid value '10' for cnn.swa: use 0 (off) or fewer epochs than cnn.epochs (10)",
                message(b.ema(0).swa(10).build()));
        b.swa(3).build().validate();
        assertEquals(0, b.build().forOverfitCheck().swa(), "the sanity check trains the raw weights");
        assertEquals(0, b.swa(0).ema(0.99).build().forOverfitCheck().ema());
        b.ema(0);
        assertEquals(Fingerprint.of(TrainingConfig.builder().epochs(10).build(), "d"),
                Fingerprint.of(b.swa(0).build(), "d"), "off leaves earlier fingerprints as they were");
    }

    /** alexnet-cifar's default dropout changed (0.5 to 0.2): a model trained with the old default is not up to date. */
    @Test
    void aChangedPresetDefaultChangesTheFingerprint() {
        TrainingConfig byDefault = TrainingConfig.builder().network("alexnet-cifar").build();
        String fingerprint = Fingerprint.of(byDefault, "data");
        assertNotEquals("b60490f55d52a57d", fingerprint, "the fingerprint of the old default (dropout 0.5) no longer matches");
        assertEquals("7b58a22095d31088", fingerprint, "pinned: the new default's fingerprint");
        assertEquals(fingerprint, Fingerprint.of(TrainingConfig.builder().network("alexnet-cifar").build(), "data"),
                "the same configuration, the same fingerprint");
        assertNotEquals(fingerprint, Fingerprint.of(byDefault.toBuilder().dropout(0.5).build(), "data"),
                "the old default set explicitly is another model");
        assertNotEquals(fingerprint, Fingerprint.of(byDefault, "other data"), "other data, another model");
        assertEquals(fingerprint, Fingerprint.of(byDefault.toBuilder().maxMinutes(14).build(), "data"),
                "a time budget changes when training stops, not the model an epoch makes");
        TrainingConfig unchanged = TrainingConfig.builder().network("vgg11").build();
        assertEquals(Fingerprint.of(unchanged, "data").length(), 16);
        assertEquals(null, Fingerprint.changedDropout(unchanged), "vgg11's default never changed: nothing extra hashed");
        assertEquals(0.2, Fingerprint.changedDropout(byDefault), "alexnet-cifar's changed default is hashed");
    }

    @Test
    void aPresetIsFoundByItsExactIdOnly() throws Exception {
        assertEquals(Preset.ALEXNET_CIFAR, TrainingConfig.builder().network(" AlexNet-CIFAR ").build().validate().preset(),
                "the configuration trims and lower-cases, as it always did");
        assertEquals(null, Preset.of("alexnet_cifar"), "the enum's own name is not an id users write");
        assertTrue(message(TrainingConfig.builder().network("alexnet_cifar").build()).contains("use one of alexnet, alexnet-cifar,"
                + " googlenet, lenet5, nin, resnet18, resnet20, resnet32, resnet34, resnet44, resnet50, resnet56, resnet110, vgg11, vgg13,"
                + " vgg16, vgg19, or declare <layers>"));
        assertEquals(List.of("alexnet-cifar", "lenet5", "vgg11", "vgg13", "vgg16", "vgg19"), Preset.kernelSizeIds());
        LayerSpec dense = new LayerSpec();
        dense.type = "dense";
        dense.units = 10;
        assertEquals(null, TrainingConfig.builder().network("lenet5").layers(List.of(dense)).build().preset(),
                "custom layers build no preset");
    }

    @Test
    void aLearningRateSaysWhereItCameFromAndLeavesFingerprintsAsTheyWere() throws Exception {
        assertEquals(LearningRate.OPTIMIZER_DEFAULT, LearningRate.parse(" ", "cnn.learningRate"));
        assertEquals(LearningRate.OPTIMIZER_DEFAULT, LearningRate.parse(null, "cnn.learningRate"));
        assertEquals(LearningRate.AUTO, LearningRate.parse(" Auto ", "cnn.learningRate"));
        assertEquals(new LearningRate.Fixed(0.02), LearningRate.parse("0.02 ", "cnn.learningRate"));
        assertEquals("Invalid value 'abc' for cnn.learningRate: use a positive number such as 0.001, or auto to use"
                + " find-lr's suggestion", assertThrows(InvalidConfigurationException.class,
                () -> LearningRate.parse(" abc", "cnn.learningRate")).getMessage());
        TrainingConfig auto = TrainingConfig.builder().network("alexnet-cifar").learningRate(LearningRate.AUTO).build();
        assertEquals(1.0, auto.learningRate(), "auto's placeholder until find-lr suggests a rate");
        // pinned: the hashes the NaN and the 1.0 placeholder gave before the type
        assertEquals("7b58a22095d31088", Fingerprint.of(TrainingConfig.builder().network("alexnet-cifar")
                .learningRate(LearningRate.OPTIMIZER_DEFAULT).build(), "data"));
        assertEquals("5168488413bacc56", Fingerprint.of(auto, "data"));
        assertEquals(0.01, TrainingConfig.builder().optimizer(Optimizer.SGD).learningRate(LearningRate.OPTIMIZER_DEFAULT)
                .build().learningRate(), "resolved for the optimizer when built");
    }

    @Test
    void anUnsetWeightDecayIsTheOptimizersAndDecoupledDecayIsLarger() throws Exception {
        for (Optimizer o : Optimizer.values()) {
            assertEquals(o.decouplesWeightDecay() ? 0.05 : 0.0005, TrainingConfig.builder().optimizer(o).build().weightDecay(), o.id());
            assertEquals(0.001, TrainingConfig.builder().optimizer(o).weightDecay(0.001).build().weightDecay(), o.id() + ": set wins");
            assertEquals(0.0, TrainingConfig.builder().optimizer(o).set("weightDecay", "0", "cnn.weightDecay").build().weightDecay(),
                    o.id() + ": 0 is off, not unset");
        }
        TrainingConfig adamw = TrainingConfig.builder().optimizer(Optimizer.ADAMW).build();
        assertEquals(0.05, adamw.toBuilder().build().weightDecay(), "a copy keeps the resolved decay");
        assertEquals(0.05, adamw.toBuilder().optimizer(Optimizer.SGD).build().weightDecay(), "whatever optimizer it is given");
        assertEquals("0.05 (decoupled)", TrainingProperty.WEIGHT_DECAY.shown(adamw));
    }

    /** Issue 31: at Adam's 0.001 alexnet diverged and resnet34 stayed at chance on a small 64-pixel folder. */
    @Test
    void alexnetAndResnet34TakeATenthOfTheOptimizersRateUnlessItIsSet() {
        for (String preset : List.of("alexnet", "resnet34")) {
            assertEquals(1.0E-4, TrainingConfig.builder().network(preset).build().learningRate(), preset);
            assertEquals(0.001, TrainingConfig.builder().network(preset).optimizer(Optimizer.SGD).build().learningRate(), preset);
            assertEquals(0.003, TrainingConfig.builder().network(preset).learningRate(0.003).build().learningRate(),
                    preset + ": a rate that is set wins");
        }
        assertEquals(1.0E-4, TrainingConfig.builder().network(" ResNet34 ").build().learningRate(), "as the configuration names it");
        for (String preset : List.of("lenet5", "alexnet-cifar", "vgg11", "vgg19", "nin", "googlenet", "resnet20", "resnet18",
                "resnet50")) {
            assertEquals(0.001, TrainingConfig.builder().network(preset).build().learningRate(), preset);
        }
        LayerSpec dense = new LayerSpec();
        dense.type = "dense";
        dense.units = 10;
        assertEquals(0.001, TrainingConfig.builder().network("alexnet").layers(List.of(dense)).build().learningRate(),
                "declared layers are no preset: the optimizer's rate");
        TrainingConfig byDefault = TrainingConfig.builder().network("alexnet").build();
        assertNotEquals(Fingerprint.of(byDefault.toBuilder().learningRate(0.001).build(), "data"), Fingerprint.of(byDefault, "data"),
                "a model trained at the old default rate is stale");
    }

    @Test
    void theDefaultLearningRateFollowsTheOptimizer() {
        assertEquals(0.001, TrainingConfig.defaults().learningRate());
        assertEquals(0.001, TrainingConfig.builder().optimizer(Optimizer.ADAMW).build().learningRate());
        assertEquals(0.01, TrainingConfig.builder().optimizer(Optimizer.SGD).build().learningRate());
        assertEquals(0.01, TrainingConfig.builder().optimizer(Optimizer.NESTEROV).build().learningRate());
        assertEquals(0.2, TrainingConfig.builder().optimizer(Optimizer.SGD).learningRate(0.2).build().learningRate(),
                "a rate that is set wins");
    }

    @Test
    void resizeToGoesWithACropAugmentationAndOneCropAtATime() throws Exception {
        TrainingConfig.Builder b = TrainingConfig.builder().network("resnet50");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> b.resizeTo(110).build().validate()).getMessage()
                .startsWith("Invalid value '110' for cnn.resizeTo: it applies with cnn.augment=resizecrop or randomresizedcrop"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> b.augment(Augment.parseList("resizecrop,randomresizedcrop"))
                .build().validate()).getMessage().contains("use one of resizecrop and randomresizedcrop, not both"));
        TrainingConfig ok = b.augment(Augment.parseList("resizecrop,flip")).build().validate();
        assertEquals(Augment.RESIZECROP, ok.cropping());
        assertEquals(null, TrainingConfig.defaults().cropping());
    }

    @Test
    void augmentListParses() throws Exception {
        assertEquals(List.of(Augment.CROP4, Augment.FLIP), Augment.parseList("crop4,FLIP"));
        assertEquals(List.of(), Augment.parseList("none"));
    }

    @Test
    void fingerprintFollowsWhatChangesTheModelOnly() {
        TrainingConfig a = with("lenet5", 0.001, 0.1, Schedule.CONSTANT, 0);
        assertEquals(Fingerprint.of(a, "data"), Fingerprint.of(with("lenet5", 0.001, 0.1, Schedule.CONSTANT, 0), "data"));
        assertNotEquals(Fingerprint.of(a, "data"), Fingerprint.of(with("lenet5", 0.002, 0.1, Schedule.CONSTANT, 0), "data"));
        assertNotEquals(Fingerprint.of(a, "data"), Fingerprint.of(a, "other data"));
        TrainingConfig budget = a.toBuilder().maxMinutes(30).build();
        assertEquals(Fingerprint.of(a, "data"), Fingerprint.of(budget, "data"), "a time budget does not change the model");
    }

    /** Models trained before keep their fingerprint: the JSON the fingerprint hashes is unchanged by typed choices. */
    @Test
    void fingerprintsAreStableAcrossVersions() {
        // was b60490f55d52a57d until alexnet-cifar's default dropout changed (see aChangedPresetDefaultChangesTheFingerprint)
        assertEquals("7b58a22095d31088", Fingerprint.of(TrainingConfig.defaults(), "data"));
        TrainingConfig c = TrainingConfig.builder().network("lenet5").layers(List.of(LayerSpec.of("conv").filters(8)))
                .kernelSize(5).epochs(7).batchSize(64).seed(1).validationSplit(0.2).optimizer(Optimizer.ADAMW)
                .learningRate(0.003).momentum(0.8).weightDecay(1e-4).schedule(Schedule.ONECYCLE).milestones(List.of(3, 5))
                .gamma(0.5).patience(4).warmupEpochs(1).dropout(0.3).batchNorm(false).labelSmoothing(0.1).gradientClip(2.0)
                .augment(List.of(Augment.CROP4, Augment.FLIP)).balance(Balance.OVERSAMPLE).earlyStopping(3).build();
        assertEquals("2f3ce1cf4d5c7e5a", Fingerprint.of(c, "x|y"));
    }

    @Test
    void theBuilderSetsEachPropertyFromText() throws Exception {
        TrainingConfig c = TrainingConfig.builder().set("optimizer", "AdamW", "cnn.optimizer").set("augment", "crop4,flip", "a")
                .set("dropout", "default", "d").set("milestones", "10,15", "m").set("batchNorm", "false", "b").build();
        assertEquals(Optimizer.ADAMW, c.optimizer());
        assertEquals(List.of(Augment.CROP4, Augment.FLIP), c.augment());
        assertEquals(null, c.dropout());
        assertEquals(List.of(10, 15), c.milestones());
        assertEquals(false, c.batchNorm());
        assertEquals(c, c.toBuilder().build());
    }
}
