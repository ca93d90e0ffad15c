package io.github.cnnmaven.testing;

import io.github.cnnmaven.dataset.ImageSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Small synthetic datasets in the real file formats (CIFAR binary tar.gz, IDX gz, image-folder zip)
 * whose classes a small CNN can really learn: ten shapes and patterns drawn at random positions,
 * sizes and colours on noisy backgrounds. Deterministic for a seed. Images are interleaved by class,
 * so any prefix ("the first N") is balanced.
 */
public final class SyntheticDatasets {

    public static final List<String> CLASSES = List.of("square", "disc", "triangle", "hstripes", "vstripes",
            "plus", "cross", "ring", "checker", "diagonal");
    private static final long FIXED_TIME = 1_600_000_000_000L;

    private SyntheticDatasets() {
    }

    /** {@code perClass} images of each class, {@code side}×{@code side}, 1 (grey) or 3 (RGB) channels. */
    public static ImageSet generate(int perClass, int side, int channels, long seed) {
        return generate(perClass, side, channels, seed, CLASSES.size());
    }

    /** As {@link #generate(int, int, int, long)}, with only the first {@code classes} classes. */
    public static ImageSet generate(int perClass, int side, int channels, long seed, int classes) {
        Random random = new Random(seed);
        int n = perClass * classes;
        int imageBytes = channels * side * side;
        byte[] pixels = new byte[n * imageBytes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = i % classes;
            labels[i] = label;
            BufferedImage image = draw(label, side, random);
            copyPixels(image, channels, pixels, i * imageBytes);
        }
        return new ImageSet(channels, side, side, pixels, labels, CLASSES.subList(0, classes));
    }

    /** Draws one example of class {@code label}. */
    public static BufferedImage draw(int label, int side, Random random) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        // Background: a dark or light random colour with per-pixel noise; the shape contrasts with it.
        boolean darkBackground = random.nextBoolean();
        Color bg = randomColour(random, darkBackground ? 0 : 150, darkBackground ? 90 : 255);
        Color fg = randomColour(random, darkBackground ? 170 : 0, darkBackground ? 255 : 80);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int noise = (int) (random.nextGaussian() * 18);
                image.setRGB(x, y, new Color(clamp(bg.getRed() + noise), clamp(bg.getGreen() + noise),
                        clamp(bg.getBlue() + noise)).getRGB());
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(fg);
        double size = side * (0.45 + random.nextDouble() * 0.3);
        double x0 = random.nextDouble() * (side - size);
        double y0 = random.nextDouble() * (side - size);
        float stroke = (float) Math.max(1.5, side / 12.0);
        g.setStroke(new BasicStroke(stroke));
        switch (CLASSES.get(label)) {
            case "square" -> g.fill(new Rectangle2D.Double(x0, y0, size, size));
            case "disc" -> g.fill(new Ellipse2D.Double(x0, y0, size, size));
            case "triangle" -> {
                Path2D.Double t = new Path2D.Double();
                t.moveTo(x0 + size / 2, y0);
                t.lineTo(x0 + size, y0 + size);
                t.lineTo(x0, y0 + size);
                t.closePath();
                g.fill(t);
            }
            case "hstripes" -> {
                for (double y = y0; y < y0 + size; y += stroke * 2.5) {
                    g.fill(new Rectangle2D.Double(x0, y, size, stroke));
                }
            }
            case "vstripes" -> {
                for (double x = x0; x < x0 + size; x += stroke * 2.5) {
                    g.fill(new Rectangle2D.Double(x, y0, stroke, size));
                }
            }
            case "plus" -> {
                g.draw(new Line2D.Double(x0 + size / 2, y0, x0 + size / 2, y0 + size));
                g.draw(new Line2D.Double(x0, y0 + size / 2, x0 + size, y0 + size / 2));
            }
            case "cross" -> {
                g.draw(new Line2D.Double(x0, y0, x0 + size, y0 + size));
                g.draw(new Line2D.Double(x0 + size, y0, x0, y0 + size));
            }
            case "ring" -> g.draw(new Ellipse2D.Double(x0 + stroke / 2, y0 + stroke / 2, size - stroke, size - stroke));
            case "checker" -> {
                double cell = size / 4;
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        if ((r + c) % 2 == 0) {
                            g.fill(new Rectangle2D.Double(x0 + c * cell, y0 + r * cell, cell, cell));
                        }
                    }
                }
            }
            case "diagonal" -> g.draw(new Line2D.Double(x0, y0 + size, x0 + size, y0));
            default -> throw new IllegalArgumentException("unknown class " + label);
        }
        g.dispose();
        return image;
    }

    private static Color randomColour(Random random, int low, int high) {
        return new Color(low + random.nextInt(high - low + 1), low + random.nextInt(high - low + 1),
                low + random.nextInt(high - low + 1));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static void copyPixels(BufferedImage image, int channels, byte[] target, int offset) {
        int side = image.getWidth();
        int plane = side * side;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                int p = y * side + x;
                if (channels == 1) {
                    target[offset + p] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    target[offset + p] = (byte) r;
                    target[offset + plane + p] = (byte) g;
                    target[offset + 2 * plane + p] = (byte) b;
                }
            }
        }
    }

    // ---- CIFAR binary -------------------------------------------------------------------------

    /** CIFAR-10 records: label byte, then the 3072 R, G, B bytes. */
    public static byte[] cifar10Records(ImageSet set) {
        return cifarRecords(set, false);
    }

    /** CIFAR-100 records: coarse label (the class modulo 20), fine label, then the pixels. */
    public static byte[] cifar100Records(ImageSet set) {
        return cifarRecords(set, true);
    }

    private static byte[] cifarRecords(ImageSet set, boolean twoLabels) {
        int labelBytes = twoLabels ? 2 : 1;
        int record = labelBytes + set.imageBytes();
        byte[] out = new byte[set.size() * record];
        for (int i = 0; i < set.size(); i++) {
            if (twoLabels) {
                out[i * record] = (byte) (set.label(i) % 20);
                out[i * record + 1] = (byte) set.label(i);
            } else {
                out[i * record] = (byte) set.label(i);
            }
            System.arraycopy(set.pixels(), i * set.imageBytes(), out, i * record + labelBytes, set.imageBytes());
        }
        return out;
    }

    /**
     * Writes a CIFAR-10 binary archive laid out like the official one: {@code cifar-10-batches-bin/}
     * with {@code data_batch_1..5.bin}, {@code test_batch.bin} and {@code batches.meta.txt}.
     */
    public static void writeCifar10Archive(Path archive, int trainPerClass, int testPerClass, long seed) throws IOException {
        ImageSet train = generate(trainPerClass, 32, 3, seed);
        ImageSet test = generate(testPerClass, 32, 3, seed + 1);
        byte[] trainRecords = cifar10Records(train);
        int record = 1 + 3072;
        int perBatch = (train.size() + 4) / 5;
        List<TarFile> files = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            int from = Math.min(train.size(), b * perBatch);
            int to = Math.min(train.size(), from + perBatch);
            byte[] batch = java.util.Arrays.copyOfRange(trainRecords, from * record, to * record);
            files.add(new TarFile("cifar-10-batches-bin/data_batch_" + (b + 1) + ".bin", batch));
        }
        files.add(new TarFile("cifar-10-batches-bin/test_batch.bin", cifar10Records(test)));
        files.add(new TarFile("cifar-10-batches-bin/batches.meta.txt",
                (String.join("\n", CLASSES) + "\n\n").getBytes(StandardCharsets.UTF_8)));
        writeTarGz(archive, files);
    }

    /** Writes a CIFAR-100 binary archive: {@code cifar-100-binary/} with train.bin, test.bin and the label names. */
    public static void writeCifar100Archive(Path archive, int trainPerClass, int testPerClass, long seed) throws IOException {
        ImageSet train = generate(trainPerClass, 32, 3, seed);
        ImageSet test = generate(testPerClass, 32, 3, seed + 1);
        StringBuilder fine = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            fine.append(i < CLASSES.size() ? CLASSES.get(i) : "fine_" + i).append('\n');
        }
        StringBuilder coarse = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            coarse.append("coarse_").append(i).append('\n');
        }
        writeTarGz(archive, List.of(
                new TarFile("cifar-100-binary/train.bin", cifar100Records(train)),
                new TarFile("cifar-100-binary/test.bin", cifar100Records(test)),
                new TarFile("cifar-100-binary/fine_label_names.txt", fine.toString().getBytes(StandardCharsets.UTF_8)),
                new TarFile("cifar-100-binary/coarse_label_names.txt", coarse.toString().getBytes(StandardCharsets.UTF_8))));
    }

    public record TarFile(String name, byte[] content) {
    }

    public static void writeTarGz(Path archive, List<TarFile> files) throws IOException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TarFile file : files) {
                TarArchiveEntry entry = new TarArchiveEntry(file.name());
                entry.setSize(file.content().length);
                entry.setModTime(FIXED_TIME);
                tar.putArchiveEntry(entry);
                tar.write(file.content());
                tar.closeArchiveEntry();
            }
        }
    }

    // ---- IDX ----------------------------------------------------------------------------------

    /** The standard IDX image file content: magic 0x803, count, rows, columns, then the pixels. */
    public static byte[] idxImages(ImageSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(set.size());
        out.writeInt(set.height());
        out.writeInt(set.width());
        out.write(set.pixels());
        return bytes.toByteArray();
    }

    /** The standard IDX label file content: magic 0x801, count, then one byte per label. */
    public static byte[] idxLabels(ImageSet set) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(set.size());
        for (int label : set.labels()) {
            out.writeByte(label);
        }
        return bytes.toByteArray();
    }

    /** Writes the four MNIST-style files ({@code train-images-idx3-ubyte.gz} etc.), 28×28 grey, into {@code dir}. */
    public static void writeIdx(Path dir, int trainPerClass, int testPerClass, long seed) throws IOException {
        ImageSet train = generate(trainPerClass, 28, 1, seed);
        ImageSet test = generate(testPerClass, 28, 1, seed + 1);
        Files.createDirectories(dir);
        gzip(dir.resolve("train-images-idx3-ubyte.gz"), idxImages(train));
        gzip(dir.resolve("train-labels-idx1-ubyte.gz"), idxLabels(train));
        gzip(dir.resolve("t10k-images-idx3-ubyte.gz"), idxImages(test));
        gzip(dir.resolve("t10k-labels-idx1-ubyte.gz"), idxLabels(test));
    }

    public static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    // ---- image folders ------------------------------------------------------------------------

    /** Writes {@code train/<class>/*.png} (and {@code test/<class>/*.png} when {@code testPerClass > 0}) under {@code dir}. */
    public static void writeImageFolder(Path dir, int side, int trainPerClass, int testPerClass, long seed) throws IOException {
        writeSplit(dir.resolve("train"), side, trainPerClass, new Random(seed));
        if (testPerClass > 0) {
            writeSplit(dir.resolve("test"), side, testPerClass, new Random(seed + 1));
        }
    }

    private static void writeSplit(Path dir, int side, int perClass, Random random) throws IOException {
        for (int i = 0; i < perClass * CLASSES.size(); i++) {
            int label = i % CLASSES.size();
            Path classDir = dir.resolve(CLASSES.get(label));
            Files.createDirectories(classDir);
            ImageIO.write(draw(label, side, random), "png", classDir.resolve(String.format("%05d.png", i)).toFile());
        }
    }

    /** A zip of class folders, wrapped in one top-level folder as people usually zip them: {@code shapes/train/<class>/…}. */
    public static void writeImageFolderZip(Path zip, int side, int trainPerClass, int testPerClass, long seed) throws IOException {
        Path staging = Files.createTempDirectory("folder-fixture");
        try {
            writeImageFolder(staging.resolve("shapes"), side, trainPerClass, testPerClass, seed);
            Files.createDirectories(zip.toAbsolutePath().getParent());
            try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
                List<Path> files;
                try (var walk = Files.walk(staging)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    ZipArchiveEntry entry = new ZipArchiveEntry(staging.relativize(file).toString().replace('\\', '/'));
                    entry.setTime(FIXED_TIME);
                    out.putArchiveEntry(entry);
                    out.write(Files.readAllBytes(file));
                    out.closeArchiveEntry();
                }
            }
        } finally {
            io.github.cnnmaven.common.AtomicFiles.deleteRecursively(staging);
        }
    }
}
