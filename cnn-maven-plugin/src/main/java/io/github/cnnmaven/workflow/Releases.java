package io.github.cnnmaven.workflow;

import java.nio.file.Path;
import java.util.List;

/**
 * The evaluations of the last released versions of an artifact, oldest first, as the repository holds them
 * ({@code cnn.historyVersions}): what the report's and summary's release history is drawn from.
 *
 * @param artifact {@code groupId:artifactId}
 */
public record Releases(String artifact, List<Released> versions) {

    /** One release and its evaluation.json, resolved into the local repository. */
    public record Released(String version, Path evaluation) {
    }

    public Releases {
        versions = List.copyOf(versions);
    }
}
