package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Hashes;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.dataset.ImageSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training images as shards in {@code cnn.spark.dataDir}, which every executor reads: raw C×H×W bytes, a
 * label file and a manifest with each file's SHA-256. The directory is named by a digest of the images
 * themselves, so a changed dataset gets new shards and an unchanged one reuses them, once verified. Every file
 * is written to a temporary file and renamed into place, the manifest last, and every reader verifies the
 * files against the manifest: a killed build or a half-replaced file is never read as data. The directory is a
 * Hadoop file system path (a local or shared disk, {@code hdfs://}, any scheme whose client is on the classpath),
 * through Hadoop's API, as Spark itself reads data.
 */
public final class TrainingShards {

    /** Images per shard file: 8 MB of CIFAR images, so an executor reads them in pieces of a sensible size. */
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

    /** Shards read by this JVM (an executor), by manifest path: each executor reads them once. */
    private static final Map<String, ImageSet> READ = new ConcurrentHashMap<>();

    private TrainingShards() {
    }

    /**
     * The manifest of {@code images}' shards under {@code dataDir}: the existing ones when they verify, otherwise
     * written anew. Returns the manifest's path (a Hadoop path string).
     *
     * @param hadoop Hadoop settings ({@code cnn.spark.conf}'s {@code spark.hadoop.*}), such as a file system's credentials
     */
    public static String prepare(String dataDir, ImageSet images, Map<String, String> hadoop) throws CnnException {
        String identity = identity(images);
        Path dir = new Path(dataDir, identity.substring(0, 16));
        Path manifestFile = new Path(dir, MANIFEST);
        try {
            FileSystem fs = fileSystem(dir, hadoop);
            if (fs.isFile(manifestFile)) {
                Manifest existing = readManifest(fs, manifestFile);
                if (existing != null && existing.identity().equals(identity) && verify(fs, dir, existing) == null) {
                    return manifestFile.toString();
                }
            }
            fs.mkdirs(dir);
            write(fs, dir, images, identity);
            return manifestFile.toString();
        } catch (IOException | RuntimeException e) {
            throw new CnnException("Could not write the training shards to cnn.spark.dataDir " + dataDir + ": " + e
                    + ". Name a directory this machine can write and every executor can read.", e);
        }
    }

    private static void write(FileSystem fs, Path dir, ImageSet images, String identity) throws IOException {
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
            writeAtomically(fs, new Path(dir, file), bytes);
            shards.add(new Shard(file, count, Hashes.sha256Hex(bytes)));
        }
        byte[] labels = labelBytes(images.labels());
        writeAtomically(fs, new Path(dir, LABELS), labels);
        Manifest manifest = new Manifest(identity, images.channels(), images.height(), images.width(), n, images.classNames(),
                IMAGES_PER_SHARD, Hashes.sha256Hex(labels), shards);
        writeAtomically(fs, new Path(dir, MANIFEST), Json.bytes(manifest));
    }

    /**
     * A temporary sibling, then a rename. Where a file system's rename does not replace (HDFS), the old file goes
     * first: for a moment it is missing, which readers take as unverified, never as data.
     */
    private static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(temporary, true)) {
                out.write(bytes);
            }
            if (!fs.rename(temporary, target)) {
                fs.delete(target, false);
                if (!fs.rename(temporary, target)) {
                    throw new IOException("could not rename " + temporary + " to " + target);
                }
            }
        } finally {
            fs.delete(temporary, false);
        }
    }

    /** The images of the shards {@code manifestFile} names, verified, read once per JVM. */
    static ImageSet read(String manifestFile, Map<String, String> hadoop) {
        return READ.computeIfAbsent(manifestFile, file -> readVerified(file, hadoop));
    }

    private static ImageSet readVerified(String manifestFile, Map<String, String> hadoop) {
        Path file = new Path(manifestFile);
        try {
            FileSystem fs = fileSystem(file, hadoop);
            Manifest manifest = fs.isFile(file) ? readManifest(fs, file) : null;
            if (manifest == null) {
                throw new IllegalStateException("The executor cannot read " + file + " (cnn.spark.dataDir): every executor"
                        + " needs the same path, on a disk or share they all mount, or a file system URI they all reach");
            }
            String problem = verify(fs, file.getParent(), manifest);
            if (problem != null) {
                throw new IllegalStateException("The training shards in " + file.getParent() + " do not verify: " + problem);
            }
            byte[][] chunks = new byte[manifest.shards().size()][];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = readAll(fs, new Path(file.getParent(), manifest.shards().get(i).file()));
            }
            return new ImageSet(manifest.channels(), manifest.height(), manifest.width(), chunks, manifest.imagesPerShard(),
                    labels(readAll(fs, new Path(file.getParent(), LABELS))), manifest.classNames());
        } catch (IOException e) {
            throw new UncheckedIOException("The executor cannot read the training shards " + file + " (cnn.spark.dataDir): "
                    + e.getMessage(), e);
        }
    }

    /** Whether this JVM (an executor) finds the manifest: the check that the executors reach cnn.spark.dataDir. */
    static boolean readable(String manifestFile, Map<String, String> hadoop) {
        try {
            Path file = new Path(manifestFile);
            return fileSystem(file, hadoop).isFile(file);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Null when every file of the manifest is there with its checksum, otherwise what is wrong. */
    static String verify(FileSystem fs, Path dir, Manifest manifest) throws IOException {
        for (Shard shard : manifest.shards()) {
            Path file = new Path(dir, shard.file());
            if (!fs.isFile(file)) {
                return shard.file() + " is missing";
            }
            if (!sha256(fs, file).equals(shard.sha256())) {
                return shard.file() + " does not match its SHA-256";
            }
        }
        Path labels = new Path(dir, LABELS);
        if (!fs.isFile(labels) || !sha256(fs, labels).equals(manifest.labelsSha256())) {
            return LABELS + " is missing or does not match its SHA-256";
        }
        return null;
    }

    /** The file system of {@code path}; the local one without Hadoop's .crc side files (the manifest has checksums). */
    static FileSystem fileSystem(Path path, Map<String, String> hadoop) throws IOException {
        Configuration conf = new Configuration();
        hadoop.forEach(conf::set);
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    private static Manifest readManifest(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return Json.read(in, Manifest.class);
        } catch (IOException e) {
            return null; // unreadable or half-written by another tool: not trusted, written anew
        }
    }

    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    private static String sha256(FileSystem fs, Path file) throws IOException {
        MessageDigest digest = Hashes.sha256();
        try (FSDataInputStream in = fs.open(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A digest of the images' shape, classes, labels and pixels: the same images, the same shards. */
    static String identity(ImageSet images) {
        MessageDigest digest = Hashes.sha256();
        digest.update((images.shape() + "|" + String.join("\u0000", images.classNames())).getBytes(StandardCharsets.UTF_8));
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
