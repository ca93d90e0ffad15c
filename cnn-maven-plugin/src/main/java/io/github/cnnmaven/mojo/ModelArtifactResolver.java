package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code cnn.pretrained}: a path to a {@code model.zip}, or the {@code groupId:artifactId:version}
 * of a model another build installed or deployed (type zip, classifier model), resolved through
 * Maven's own resolver from the project's repositories, so {@code -o} and mirrors apply.
 */
final class ModelArtifactResolver {

    private static final Pattern COORDINATES = Pattern.compile("[^:/\\\\\\s]+:[^:/\\\\\\s]+:[^:/\\\\\\s]+");

    private ModelArtifactResolver() {
    }

    static Path resolve(String value, RepositorySystem system, MavenSession session, MavenProject project)
            throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Path path = project != null ? project.getBasedir().toPath().resolve(v) : Path.of(v);
        if (Files.exists(path) || !COORDINATES.matcher(v).matches()) {
            return path;
        }
        String[] p = v.split(":");
        DefaultArtifact artifact = new DefaultArtifact(p[0], p[1], "model", "zip", p[2]);
        try {
            return system.resolveArtifact(session.getRepositorySession(),
                    new ArtifactRequest(artifact, project.getRemoteProjectRepositories(), "cnn-pretrained"))
                    .getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new InvalidConfigurationException("cnn.pretrained " + v + ": the model " + artifact + " could not be resolved"
                    + (session.isOffline() ? " (Maven is offline)" : "") + ". Install it with mvn install in the build that"
                    + " trains it, or give the path of its model.zip. " + e.getMessage());
        }
    }
}
