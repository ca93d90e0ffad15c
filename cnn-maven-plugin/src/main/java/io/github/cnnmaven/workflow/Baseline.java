package io.github.cnnmaven.workflow;

import java.nio.file.Path;

/**
 * {@code cnn.baseline} resolved: the evaluation.json the gate compares against and what messages call
 * it, or a note that nothing has been released yet to compare against.
 *
 * @param name the path as the user wrote it, or the coordinates of the release with its version
 * @param file the evaluation.json to read; null when no release exists yet
 * @param note why there is no file (the first release), said in the log instead of a rule
 * @param release whether it came from a release (resolved by coordinates) rather than a committed file
 */
public record Baseline(String name, Path file, String note, boolean release) {

    /** A committed evaluation.json. */
    public static Baseline file(Path file) {
        return new Baseline(file.toString(), file, null, false);
    }

    /** The evaluation of a released model, resolved by its coordinates. */
    public static Baseline released(String coordinates, Path file) {
        return new Baseline(coordinates, file, null, true);
    }

    /** Nothing released yet: the baseline rule is left out, and the log says why. */
    public static Baseline noneReleased(String coordinates, String note) {
        return new Baseline(coordinates, null, note, true);
    }
}
