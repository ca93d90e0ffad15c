package io.github.cnnmaven.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Writes that never leave a half-written file where a reader would trust it: everything is written
 * to a temporary sibling first and then renamed into place, which is atomic on one file system.
 */
public final class AtomicFiles {

    /** Temporary siblings carry this marker, so a later run can recognise and remove leftovers. */
    public static final String TEMP_MARKER = ".tmp-";

    private AtomicFiles() {
    }

    /** Writes something into a file or directory through a temporary sibling, then renames it. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /** A fresh temporary path beside {@code target}, in the same directory and so on the same file system. */
    public static Path temporarySibling(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return parent.resolve("." + target.getFileName() + TEMP_MARKER + UUID.randomUUID());
    }

    /**
     * Lets {@code writer} fill a temporary sibling of {@code target}, then moves it over
     * {@code target}. On any failure the temporary is removed and {@code target} is untouched.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path temporary = temporarySibling(target);
        try {
            writer.writeTo(temporary);
            FaultPoints.reach("before-rename:" + target.getFileName());
            move(temporary, target);
            FaultPoints.reach("after-rename:" + target.getFileName());
        } finally {
            deleteRecursively(temporary);
        }
    }

    /** Convenience for small files. */
    public static void writeString(Path target, String content) throws IOException {
        write(target, tmp -> Files.writeString(tmp, content));
    }

    /**
     * Renames {@code source} to {@code target} atomically, replacing a plain file target. A
     * directory target must not exist (a non-empty directory cannot be replaced by a rename).
     */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot rename " + source + " to " + target
                    + " atomically; keep the cache and output directories on one local file system", e);
        }
    }

    /** Deletes a file or a directory tree; a missing path is not an error. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Removes the temporaries ({@link #TEMP_MARKER}) that a killed process left in {@code dir}. Call it
     * only while holding the lock of what {@code dir} belongs to, so no live writer's temporary goes.
     */
    public static void removeLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (child.getFileName().toString().contains(TEMP_MARKER)) {
                    deleteRecursively(child);
                }
            }
        }
    }

    /** {@link #deleteRecursively} for cleanup paths where an error must not hide the original one. */
    public static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover temporary is recognised by its name and removed later
        }
    }
}
