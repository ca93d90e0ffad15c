package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.ArtifactResolver;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the backend's artifacts through Maven's own resolver, so {@code -o}, mirrors, proxies
 * and the local repository apply exactly as for any dependency.
 */
final class BackendResolver implements ArtifactResolver {

    private final RepositorySystem system;
    private final MavenSession session;
    private final MavenProject project;

    BackendResolver(RepositorySystem system, MavenSession session, MavenProject project) {
        this.system = system;
        this.session = session;
        this.project = project;
    }

    @Override
    public List<Path> resolve(List<String> coordinates) throws CnnException {
        List<ArtifactRequest> requests = new ArrayList<>();
        for (String coordinate : coordinates) {
            String[] p = coordinate.split(":");
            DefaultArtifact artifact = p.length == 4 ? new DefaultArtifact(p[0], p[1], p[3], "jar", p[2])
                    : new DefaultArtifact(p[0], p[1], "jar", p[2]);
            requests.add(new ArtifactRequest(artifact, project.getRemotePluginRepositories(), "cnn-backend"));
        }
        try {
            List<Path> files = new ArrayList<>();
            for (ArtifactResult result : system.resolveArtifacts(session.getRepositorySession(), requests)) {
                files.add(result.getArtifact().getFile().toPath());
            }
            return files;
        } catch (ArtifactResolutionException e) {
            throw new CnnException("Could not resolve the training backend: "
                    + e.getMessage() + (session.isOffline() ? " (Maven is offline: run once online to fetch it)" : ""), e);
        }
    }
}
