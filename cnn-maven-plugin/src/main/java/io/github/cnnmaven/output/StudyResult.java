package io.github.cnnmaven.output;

import io.github.cnnmaven.common.CnnException;

import io.github.cnnmaven.common.Json;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.output.EpochRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code study.json}: every variant's settings, outcome and history, and the winner. Readable
 * without DL4J, so {@code train}, {@code evaluate} and the report can tell whether the model in
 * the output directory is the winner of a study of the current configuration.
 *
 * @param fingerprint     identifies the whole study (the base, the mode and the axes)
 * @param baseFingerprint the fingerprint of the declared configuration
 * @param metric          what the winner was chosen by
 * @param winner          the winning variant's name
 */
public record StudyResult(String fingerprint, String baseFingerprint, String mode, Map<String, List<String>> axes,
                          Map<String, String> base, String metric, List<Variant> variants, String winner,
                          String winnerFingerprint) {


    /**
     * One variant's outcome.
     *
     * @param status             {@code trained}, or {@code diverged} (then it cannot win)
     * @param trainValidationGap training minus validation accuracy at the last epoch: how much it overfits
     * @param seconds            training time
     */
    public record Variant(String name, Map<String, String> settings, String fingerprint, String directory, String status,
                          Double bestValidationAccuracy, Integer bestEpoch, Double finalTrainAccuracy,
                          Double finalValidationAccuracy, Double trainValidationGap, double seconds, long parameters,
                          String message, List<EpochRecord> history) {

        public boolean diverged() {
            return "diverged".equals(status);
        }
    }

    public Variant winnerVariant() {
        return variants.stream().filter(v -> v.name().equals(winner)).findFirst().orElse(null);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }

    /** The study in {@code file}; null when there is none. */
    public static StudyResult read(Path file) throws CnnException {
        return Json.read(file, StudyResult.class);
    }

    /**
     * Whether this study is of the configuration with {@code baseFingerprint} and the model with
     * {@code modelFingerprint} is its winner: the model {@code train} and {@code evaluate} then
     * accept as current.
     */
    public boolean isWinner(String baseFingerprint, String modelFingerprint) {
        return baseFingerprint.equals(this.baseFingerprint) && winnerFingerprint != null
                && winnerFingerprint.equals(modelFingerprint);
    }
}
