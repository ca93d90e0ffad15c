package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.ArtifactResolver;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.apache.maven.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
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
    private static final String RUNTIME = "runtime";

    private final MavenSession session;
    private final MavenProject project;
    private final List<Artifact> pluginArtifacts;

    /** @param pluginArtifacts the plugin's own runtime artifacts, whose versions win in {@link #resolveWithDependencies} */
    BackendResolver(RepositorySystem system, MavenSession session, MavenProject project, List<Artifact> pluginArtifacts) {
        this.system = system;
        this.session = session;
        this.project = project;
        this.pluginArtifacts = pluginArtifacts;
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

    @Override
    public List<Path> resolveWithDependencies(List<String> roots, List<String> pins, List<String> exclusions)
            throws CnnException {
        List<Exclusion> excluded = exclusions.stream().map(e -> e.split(":"))
                .map(p -> new Exclusion(p[0], p[1], "*", "*")).toList();
        CollectRequest collect = new CollectRequest();
        collect.setRepositories(project.getRemotePluginRepositories());
        roots.forEach(root -> collect.addDependency(new Dependency(new DefaultArtifact(root), RUNTIME, false, excluded)));
        // Management, not dependencies: the plugin's own versions and the pins win wherever the roots reach them.
        for (Artifact a : pluginArtifacts) {
            collect.addManagedDependency(new Dependency(new DefaultArtifact(a.getGroupId(), a.getArtifactId(),
                    a.getClassifier(), a.getType(), a.getVersion()), RUNTIME));
        }
        pins.forEach(pin -> collect.addManagedDependency(new Dependency(new DefaultArtifact(pin), RUNTIME)));
        try {
            List<Path> files = new ArrayList<>();
            // No filter: the collection already leaves out test, provided and optional dependencies (and Maven
            // does not export the resolver's util package, whose classpath filter would say the same, to plugins)
            DependencyRequest request = new DependencyRequest(collect, null);
            for (ArtifactResult result : system.resolveDependencies(session.getRepositorySession(), request).getArtifactResults()) {
                files.add(result.getArtifact().getFile().toPath());
            }
            return files;
        } catch (DependencyResolutionException e) {
            throw new CnnException("Could not resolve Spark for cnn.spark.master: " + e.getMessage()
                    + (session.isOffline() ? " (Maven is offline: run once online to fetch it)" : ""), e);
        }
    }
}
