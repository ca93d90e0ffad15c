package io.github.cnnmaven.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code cnn.pretrained} points at, told by the file's first bytes (not its name): read without
 * any native library, so the Maven JVM checks it before anything is downloaded.
 */
public enum PretrainedFormat {

    /** A {@code model.zip} written by the train goal (of this or another build). */
    TRAIN_GOAL_MODEL("a model.zip written by the train goal", List.of()),

    /** A Keras model or weights file ({@code model.save("m.h5")}, {@code model.save_weights("w.h5")}). */
    KERAS_HDF5("a Keras HDF5 file", List.of("org.bytedeco:hdf5:1.12.1-1.5.7"));

    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final String description;
    private final List<String> nativeLibraries;

    PretrainedFormat(String description, List<String> nativeLibraries) {
        this.description = description;
        this.nativeLibraries = nativeLibraries;
    }

    /** How messages name it. */
    public String description() {
        return description;
    }

    /**
     * The native jars the training JVM needs to read it, as {@code groupId:artifactId:version} of a
     * JavaCPP library whose Java classes the plugin already has: resolved with the host's classifier.
     */
    public List<String> nativeLibraries() {
        return nativeLibraries;
    }

    /** The format of {@code file}, or null when it is neither. */
    public static PretrainedFormat of(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            if (Arrays.equals(read(channel, 0, ZIP.length), ZIP)) {
                return TRAIN_GOAL_MODEL;
            }
            // HDF5 allows a user block before the superblock: the signature is at 0, 512, 1024, 2048, ...
            for (long offset = 0; offset + HDF5.length <= channel.size() && offset <= (1L << 20); offset = Math.max(512, 2 * offset)) {
                if (Arrays.equals(read(channel, offset, HDF5.length), HDF5)) {
                    return KERAS_HDF5;
                }
            }
        }
        return null;
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // reads until full or the end of the file
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
