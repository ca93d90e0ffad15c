package io.github.cnnmaven.study;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.training.EpochRecord;

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

    public static final String FILE_NAME = "study.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), this));
    }

    /** The study in {@code outputDirectory}, or null when there is none (or it cannot be read). */
    public static StudyResult read(Path outputDirectory) {
        Path file = outputDirectory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), StudyResult.class);
        } catch (IOException e) {
            return null; // written atomically, so unreadable means foreign: treat as no study
        }
    }

    /**
     * The winner, when {@code outputDirectory} holds a study of the configuration with
     * {@code baseFingerprint} and its model is that winner's: the model {@code train} and
     * {@code evaluate} then accept as current. Null otherwise.
     */
    public static StudyResult winnerFor(Path outputDirectory, String baseFingerprint, String modelFingerprint) {
        StudyResult study = read(outputDirectory);
        if (study == null || !baseFingerprint.equals(study.baseFingerprint()) || study.winnerFingerprint() == null
                || !study.winnerFingerprint().equals(modelFingerprint)) {
            return null;
        }
        return study;
    }
}
