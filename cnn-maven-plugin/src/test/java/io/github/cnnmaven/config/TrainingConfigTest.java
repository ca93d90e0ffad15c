package io.github.cnnmaven.config;

import io.github.cnnmaven.common.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingConfigTest {

    static TrainingConfig with(String network, double lr, double validationSplit, String schedule, int stepSize) {
        return new TrainingConfig(network, null, 3, 10, 32, 42, validationSplit, "adam", lr, 0.9, 5e-4, schedule, stepSize,
                List.of(), 0.1, 5, 0, null, true, 0, 0, List.of(), "none", 0, 0, null);
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
        assertTrue(message(with("lenet7", 0.001, 0.1, "constant", 0)).startsWith("Invalid value 'lenet7' for cnn.network"));
        assertTrue(message(with("lenet5", -0.1, 0.1, "constant", 0)).startsWith("Invalid value '-0.1' for cnn.learningRate"));
        assertTrue(message(with("lenet5", 0.001, 1.0, "constant", 0)).startsWith("Invalid value '1.0' for cnn.validationSplit"));
        assertTrue(message(with("lenet5", 0.001, 0.1, "warp", 0)).startsWith("Invalid value 'warp' for cnn.schedule"));
        assertTrue(message(with("lenet5", 0.001, 0.1, "step", 0)).contains("cnn.stepSize"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TrainingConfig.parseAugment("crop4, rotate"));
        assertEquals("Invalid value 'rotate' for cnn.augment: use a comma list of crop4, flip, jitter, cutout (or none)",
                e.getMessage());
    }

    @Test
    void augmentListParses() throws Exception {
        assertEquals(List.of("crop4", "flip"), TrainingConfig.parseAugment("crop4,FLIP"));
        assertEquals(List.of(), TrainingConfig.parseAugment("none"));
    }

    @Test
    void fingerprintFollowsWhatChangesTheModelOnly() {
        TrainingConfig a = with("lenet5", 0.001, 0.1, "constant", 0);
        assertEquals(Fingerprint.of(a, "data"), Fingerprint.of(with("lenet5", 0.001, 0.1, "constant", 0), "data"));
        assertNotEquals(Fingerprint.of(a, "data"), Fingerprint.of(with("lenet5", 0.002, 0.1, "constant", 0), "data"));
        assertNotEquals(Fingerprint.of(a, "data"), Fingerprint.of(a, "other data"));
        TrainingConfig budget = new TrainingConfig("lenet5", null, 3, 10, 32, 42, 0.1, "adam", 0.001, 0.9, 5e-4, "constant",
                0, List.of(), 0.1, 5, 0, null, true, 0, 0, List.of(), "none", 0, 30, null);
        assertEquals(Fingerprint.of(a, "data"), Fingerprint.of(budget, "data"), "a time budget does not change the model");
    }
}
