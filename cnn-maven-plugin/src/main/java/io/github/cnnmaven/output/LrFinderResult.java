package io.github.cnnmaven.output;

import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code lr-finder.json}: the learning-rate range test's sweep and the rate it suggests.
 *
 * @param fingerprint  what the sweep was run for: everything but the learning rate, plus the sweep's settings
 * @param stoppedEarly whether the loss diverged before the last step
 */
public record LrFinderResult(double suggestion, String method, List<Point> points, boolean stoppedEarly,
                             String fingerprint) {

    /** One step of the sweep. */
    public record Point(double lr, double loss, double smoothedLoss) {
    }

    public static LrFinderResult read(Path file) throws CnnException {
        return Json.read(file, LrFinderResult.class);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }
}
