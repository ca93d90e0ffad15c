package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Hashes;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.dataset.ImageSet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training images as shards in {@code cnn.spark.dataDir}, which every executor reads: raw C×H×W bytes, a
 * label file and a manifest with each file's SHA-256. The directory is named by a digest of the images
 * themselves, so a changed dataset gets new shards and an unchanged one reuses them, once verified. Every file
 * is written to a temporary file and moved into place, the manifest last: a killed build leaves no manifest
 * that names a file it did not finish.
 */
public final class TrainingShards {

    /** Images per shard file: 8 MB of CIFAR images, so an executor can read them as it needs them. */
    static final int IMAGES_PER_SHARD = 2730;
    static final String MANIFEST = "manifest.json";
    private static final String LABELS = "labels.bin";

    /** What the manifest says: the images' shape, their classes, the files and their checksums. */
    public record Manifest(String identity, int channels, int height, int width, int count, List<String> classNames,
                           int imagesPerShard, String labelsSha256, List<Shard> shards) {
    }

    /** One shard file: its name, the images it holds and its SHA-256. */
    public record Shard(String file, int images, String sha256) {
    }

    /** Shards read by this JVM (an executor), by manifest path and identity: each executor reads them once. */
    private static final Map<String, ImageSet> READ = new ConcurrentHashMap<>();

    private TrainingShards() {
    }

    /**
     * The manifest of {@code images}' shards under {@code dataDir}: the existing ones when they verify, otherwise
     * written anew. Returns the manifest's path.
     */
    public static Path prepare(Path dataDir, ImageSet images) throws CnnException {
        String identity = identity(images);
        Path dir = dataDir.resolve(identity.substring(0, 16));
        Path manifestFile = dir.resolve(MANIFEST);
        try {
            if (Files.isRegularFile(manifestFile)) {
                Manifest existing = Json.read(manifestFile, Manifest.class);
                if (existing != null && existing.identity().equals(identity) && verify(dir, existing) == null) {
                    return manifestFile;
                }
            }
            Files.createDirectories(dir);
            write(dir, images, identity);
            return manifestFile;
        } catch (IOException e) {
            throw new CnnException("Could not write the training shards to cnn.spark.dataDir " + dataDir + ": "
                    + e.getMessage() + ". Name a directory this machine can write and every executor can read.", e);
        }
    }

    private static void write(Path dir, ImageSet images, String identity) throws IOException {
        int n = images.size();
        int imageBytes = images.imageBytes();
        List<Shard> shards = new ArrayList<>();
        for (int first = 0, index = 0; first < n; first += IMAGES_PER_SHARD, index++) {
            int count = Math.min(IMAGES_PER_SHARD, n - first);
            byte[] bytes = new byte[count * imageBytes];
            for (int i = 0; i < count; i++) {
                System.arraycopy(images.chunk(first + i), images.offset(first + i), bytes, i * imageBytes, imageBytes);
            }
            String file = String.format("images-%05d.bin", index);
            AtomicFiles.write(dir.resolve(file), tmp -> Files.write(tmp, bytes));
            shards.add(new Shard(file, count, Hashes.sha256Hex(bytes)));
        }
        byte[] labels = labelBytes(images.labels());
        AtomicFiles.write(dir.resolve(LABELS), tmp -> Files.write(tmp, labels));
        Manifest manifest = new Manifest(identity, images.channels(), images.height(), images.width(), n, images.classNames(),
                IMAGES_PER_SHARD, Hashes.sha256Hex(labels), shards);
        try {
            Json.write(dir.resolve(MANIFEST), manifest);
        } catch (CnnException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The images of the shards {@code manifestFile} names, verified, read once per JVM. */
    public static ImageSet read(String manifestFile) {
        return READ.computeIfAbsent(manifestFile, TrainingShards::readVerified);
    }

    private static ImageSet readVerified(String manifestFile) {
        Path file = Path.of(manifestFile);
        try {
            Manifest manifest = Json.read(file, Manifest.class);
            if (manifest == null) {
                throw new IllegalStateException("The executor cannot read " + file + " (cnn.spark.dataDir): every executor"
                        + " needs the same path, on a disk or share they all mount");
            }
            String problem = verify(file.getParent(), manifest);
            if (problem != null) {
                throw new IllegalStateException("The training shards in " + file.getParent() + " do not verify: " + problem);
            }
            byte[][] chunks = new byte[manifest.shards().size()][];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = Files.readAllBytes(file.resolveSibling(manifest.shards().get(i).file()));
            }
            return new ImageSet(manifest.channels(), manifest.height(), manifest.width(), chunks, manifest.imagesPerShard(),
                    labels(Files.readAllBytes(file.resolveSibling(LABELS))), manifest.classNames());
        } catch (IOException | CnnException e) {
            throw new IllegalStateException("The executor cannot read the training shards " + file + " (cnn.spark.dataDir): "
                    + e.getMessage(), e);
        }
    }

    /** Null when every file of the manifest is there with its checksum, otherwise what is wrong. */
    static String verify(Path dir, Manifest manifest) throws IOException {
        for (Shard shard : manifest.shards()) {
            Path file = dir.resolve(shard.file());
            if (!Files.isRegularFile(file)) {
                return shard.file() + " is missing";
            }
            if (!sha256(file).equals(shard.sha256())) {
                return shard.file() + " does not match its SHA-256";
            }
        }
        Path labels = dir.resolve(LABELS);
        if (!Files.isRegularFile(labels) || !sha256(labels).equals(manifest.labelsSha256())) {
            return LABELS + " is missing or does not match its SHA-256";
        }
        return null;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Hashes.sha256();
        digest.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A digest of the images' shape, classes, labels and pixels: the same images, the same shards. */
    static String identity(ImageSet images) {
        MessageDigest digest = Hashes.sha256();
        digest.update((images.shape() + "|" + String.join("\u0000", images.classNames())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update(labelBytes(images.labels()));
        for (int i = 0; i < images.size(); i++) {
            digest.update(images.chunk(i), images.offset(i), images.imageBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] labelBytes(int[] labels) {
        ByteBuffer buffer = ByteBuffer.allocate(labels.length * Integer.BYTES);
        buffer.asIntBuffer().put(labels);
        return buffer.array();
    }

    private static int[] labels(byte[] bytes) {
        int[] labels = new int[bytes.length / Integer.BYTES];
        ByteBuffer.wrap(bytes).asIntBuffer().get(labels);
        return labels;
    }
}
