package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.workflow.Baseline;
import io.github.cnnmaven.workflow.Releases;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.version.Version;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code cnn.baseline}: the path of a committed {@code evaluation.json}, or the evaluation a release
 * carries (classifier {@code evaluation}, type json), found through Maven's own resolver in the project's
 * repositories, so {@code -o}, mirrors, proxies and credentials apply as for any dependency.
 * {@code last-release} or {@code groupId:artifactId} means the newest release older than this project's
 * version; a third part is a version, a range such as {@code [1.0,)}, {@code RELEASE} or {@code LATEST}.
 */
final class BaselineResolver {

    static final String CLASSIFIER = "evaluation";
    static final String TYPE = "json";
    /** The project's own coordinates: "no worse than the last release" in one property. */
    static final String LAST_RELEASE = "last-release";

    private static final Pattern COORDINATES = Pattern.compile("[^:/\\\\\\s]+:[^:/\\\\\\s]+(:[^/\\\\\\s]+)?");

    /** What to look for: an artifact and a version range, and whether snapshots count. */
    record Query(String groupId, String artifactId, String range, boolean snapshots, String asked) {

        /** The query {@code value} means for a project at {@code projectVersion}; null when it is a path. */
        static Query of(String value, String groupId, String artifactId, String projectVersion) {
            if (value.equals(LAST_RELEASE)) {
                return older(groupId, artifactId, projectVersion, value);
            }
            if (!COORDINATES.matcher(value).matches()) {
                return null;
            }
            String[] p = value.split(":", 3);
            if (p.length == 2) {
                return older(p[0], p[1], projectVersion, value);
            }
            return switch (p[2]) {
                case "RELEASE" -> new Query(p[0], p[1], "[0,)", false, value);
                case "LATEST" -> new Query(p[0], p[1], "[0,)", true, value);
                default -> p[2].startsWith("[") || p[2].startsWith("(")
                        ? new Query(p[0], p[1], p[2], p[2].contains("SNAPSHOT"), value)
                        : new Query(p[0], p[1], "[" + p[2] + "]", true, value);
            };
        }

        private static Query older(String groupId, String artifactId, String projectVersion, String asked) {
            return new Query(groupId, artifactId, "(," + projectVersion + ")", false, asked);
        }

        /** The newest of {@code versions} (ascending, as the resolver gives them) this query accepts, or null. */
        Version newest(List<Version> versions) {
            for (int i = versions.size() - 1; i >= 0; i--) {
                if (snapshots || !versions.get(i).toString().endsWith("-SNAPSHOT")) {
                    return versions.get(i);
                }
            }
            return null;
        }

        String coordinates(Object version) {
            return groupId + ":" + artifactId + ":" + version;
        }
    }

    /**
     * Where released evaluations live: Maven's resolver in the build, an in-memory map in the tests.
     * Failures are {@link Missing}, with the resolver's own words as the message.
     */
    interface Registry {
        /** The versions of the evaluation artifact in {@code range}, ascending. */
        List<Version> versions(String groupId, String artifactId, String range) throws Missing;

        /** The local file of one version's evaluation. */
        Path evaluation(String groupId, String artifactId, String version) throws Missing;

        /** With -o only the local repository counts, and the messages say so. */
        boolean offline();
    }

    /** The registry could not list or fetch what was asked. */
    static final class Missing extends Exception {
        Missing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The project's repositories through Maven's resolver, as for any dependency. */
    static Registry registry(RepositorySystem system, MavenSession session, MavenProject project) {
        return new Registry() {
            @Override
            public List<Version> versions(String groupId, String artifactId, String range) throws Missing {
                try {
                    return system.resolveVersionRange(session.getRepositorySession(), new VersionRangeRequest(
                            artifact(groupId, artifactId, range), project.getRemoteProjectRepositories(), "cnn-baseline"))
                            .getVersions();
                } catch (VersionRangeResolutionException e) {
                    throw new Missing(e.getMessage(), e);
                }
            }

            @Override
            public Path evaluation(String groupId, String artifactId, String version) throws Missing {
                try {
                    return system.resolveArtifact(session.getRepositorySession(), new ArtifactRequest(
                            artifact(groupId, artifactId, version), project.getRemoteProjectRepositories(), "cnn-baseline"))
                            .getArtifact().getFile().toPath();
                } catch (ArtifactResolutionException e) {
                    throw new Missing(e.getMessage(), e);
                }
            }

            @Override
            public boolean offline() {
                return session.isOffline();
            }
        };
    }

    private final Registry registry;
    private final Path basedir;
    private final String groupId;
    private final String artifactId;
    private final String projectVersion;
    /** resolve and history often ask for the same range; the resolver is asked once. */
    private final Map<String, List<Version>> listed = new HashMap<>();

    BaselineResolver(Registry registry, Path basedir, String groupId, String artifactId, String projectVersion) {
        this.registry = registry;
        this.basedir = basedir;
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.projectVersion = projectVersion;
    }

    static BaselineResolver of(RepositorySystem system, MavenSession session, MavenProject project) {
        return new BaselineResolver(registry(system, session, project), project.getBasedir().toPath(), project.getGroupId(),
                project.getArtifactId(), project.getVersion());
    }

    private List<Version> versions(Query query) throws Missing {
        String key = query.groupId() + ":" + query.artifactId() + ":" + query.range();
        List<Version> versions = listed.get(key);
        if (versions == null) {
            versions = registry.versions(query.groupId(), query.artifactId(), query.range());
            listed.put(key, versions);
        }
        return versions;
    }

    /** The query {@code value} means, or null when it is blank or names an existing file. */
    private Query query(String value) {
        if (value == null || value.isBlank() || Files.exists(basedir.resolve(value.trim()))) {
            return null;
        }
        return Query.of(value.trim(), groupId, artifactId, projectVersion);
    }

    Baseline resolve(String value, boolean required) throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            if (required) {
                throw InvalidConfigurationException.of("cnn.requireBaseline", true, "set cnn.baseline too, such as"
                        + " cnn.baseline=" + LAST_RELEASE + " to compare with the newest release older than this version");
            }
            return null;
        }
        String v = value.trim();
        Query query = query(v);
        if (query == null) {
            return Baseline.file(basedir.resolve(v));
        }
        String offline = registry.offline() ? " (Maven is offline: only what the local repository holds counts)" : "";
        Version version;
        try {
            version = query.newest(versions(query));
        } catch (Missing e) {
            throw new InvalidConfigurationException("cnn.baseline " + v + ": the versions of " + query.coordinates(query.range())
                    + " could not be listed" + offline + ": " + e.getMessage());
        }
        if (version == null) {
            String none = "no released model of " + query.groupId() + ":" + query.artifactId() + " in " + query.range()
                    + offline;
            if (required) {
                throw new InvalidConfigurationException("cnn.baseline " + v + ": " + none + ", and cnn.requireBaseline is"
                        + " true. Deploy a release first, or set cnn.requireBaseline=false for the first release");
            }
            return Baseline.noneReleased(query.coordinates(query.range()), "No baseline: " + none
                    + " (a first release?). The baseline rule is left out; cnn.requireBaseline=true would fail instead");
        }
        try {
            return Baseline.released(query.coordinates(version),
                    registry.evaluation(query.groupId(), query.artifactId(), version.toString()));
        } catch (Missing e) {
            throw new InvalidConfigurationException("cnn.baseline " + v + ": " + query.coordinates(version) + (registry.offline()
                    ? "'s " + CLASSIFIER + "." + TYPE + " is not in the local repository and Maven is offline: run once online,"
                    : " carries no " + CLASSIFIER + "." + TYPE + " (it was released without the evaluate goal, or before the"
                    + " plugin attached it):") + " name another version or a committed evaluation.json. " + e.getMessage());
        }
    }

    /**
     * The evaluations of the last {@code count} releases (older than this project's version) of the artifact
     * {@code cnn.baseline} names by coordinates, oldest first; null when it names a file or nothing, or count is 0.
     * A release without an evaluation is left out, and {@code skipped} is told which.
     */
    Releases history(String value, int count, Consumer<String> skipped) throws InvalidConfigurationException {
        Query named = count <= 0 ? null : query(value);
        if (named == null) {
            return null;
        }
        Query query = Query.of(named.groupId() + ":" + named.artifactId(), null, null, projectVersion);
        List<Version> versions;
        try {
            versions = versions(query);
        } catch (Missing e) {
            throw new InvalidConfigurationException("cnn.historyVersions: the versions of " + query.coordinates(query.range())
                    + " could not be listed: " + e.getMessage());
        }
        List<Releases.Released> found = new ArrayList<>();
        for (int i = versions.size() - 1; i >= 0 && found.size() < count; i--) {
            String version = versions.get(i).toString();
            if (version.endsWith("-SNAPSHOT")) {
                continue;
            }
            try {
                found.add(0, new Releases.Released(version, registry.evaluation(query.groupId(), query.artifactId(), version)));
            } catch (Missing e) {
                skipped.accept("Release history: " + query.coordinates(version) + " carries no " + CLASSIFIER + "." + TYPE
                        + (registry.offline() ? " in the local repository (Maven is offline)" : "") + "; left out");
            }
        }
        return new Releases(query.groupId() + ":" + query.artifactId(), found);
    }

    private static DefaultArtifact artifact(String groupId, String artifactId, String version) {
        return new DefaultArtifact(groupId, artifactId, CLASSIFIER, TYPE, version);
    }
}
