package io.github.cnnmaven.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code releases.json}: the test accuracy of the last released versions, read from the evaluation each
 * release carries in the repository, oldest first, and this build's as the last row. The report and
 * {@code summary.md} show it, as DVC's {@code exp show} does from git, but from the model registry.
 *
 * @param artifact {@code groupId:artifactId}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseHistory(String artifact, List<Release> releases) {

    /**
     * One version's figures.
     *
     * @param version    the release's version, or this build's
     * @param current    whether it is this build rather than a release
     * @param perClass   every class's accuracy, by label
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Release(String version, boolean current, double accuracy, Double top5Accuracy, Map<String, Double> perClass) {

        public static Release of(String version, boolean current, EvaluationResult e) {
            Map<String, Double> perClass = new LinkedHashMap<>();
            for (EvaluationResult.ClassMetrics c : e.perClass()) {
                perClass.put(c.label(), c.accuracy());
            }
            return new Release(version, current, e.accuracy(), e.top5Accuracy(), perClass);
        }
    }

    public ReleaseHistory {
        releases = releases == null ? List.of() : List.copyOf(releases);
    }

    /** The labels of every class any version measured, in the order first seen. */
    public List<String> classes() {
        List<String> labels = new ArrayList<>();
        for (Release r : releases) {
            r.perClass().keySet().stream().filter(l -> !labels.contains(l)).forEach(labels::add);
        }
        return labels;
    }

    public static ReleaseHistory read(Path file) throws CnnException {
        return Json.read(file, ReleaseHistory.class);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }
}
