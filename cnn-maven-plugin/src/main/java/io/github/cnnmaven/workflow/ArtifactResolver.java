package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;
import java.util.List;

/**
 * Resolves Maven coordinates to files. The Maven side implements it with Maven's own resolver, so
 * {@code -o}, mirrors, proxies and the local repository apply as for any dependency.
 */
@FunctionalInterface
public interface ArtifactResolver {

    /** @param coordinates {@code groupId:artifactId:version} or {@code groupId:artifactId:version:classifier}, jars */
    List<Path> resolve(List<String> coordinates) throws CnnException;

    /**
     * Resolves {@code roots} with their runtime dependencies, the versions of {@code pins} and of the plugin's
     * own artifacts winning, {@code exclusions} ({@code groupId:artifactId}) left out.
     */
    default List<Path> resolveWithDependencies(List<String> roots, List<String> pins, List<String> exclusions)
            throws CnnException {
        throw new CnnException("This resolver resolves single artifacts only, not " + roots + " with their dependencies");
    }
}
