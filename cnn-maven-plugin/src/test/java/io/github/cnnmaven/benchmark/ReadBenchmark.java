package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.download.DatasetCache;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How fast the readers turn files into training data (a benchmark, not a test: it prints figures).
 * Writes a CIFAR-10-sized set (5 × 10,000 + 10,000 records) in the real layout, then reads it with
 * the same code path {@code download-dataset} and {@code train} use, several times, and prints the
 * median and best times. With Debian's Fashion-MNIST installed, it also reads that (gzip included).
 *
 * <p>Run: {@code scripts/benchmark-readers.sh}
 */
public final class ReadBenchmark {

    private static final int REPEATS = 7;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cifar10-bench");
        try {
            writeCifar10Sized(dir.resolve("cifar-10-batches-bin"));
            DatasetService service = new DatasetService(null, Console.silent());
            DatasetSpec spec = new DatasetSpec(DatasetKind.CIFAR10, null, null, null, 32, false, dir, DatasetSpec.ALL,
                    DatasetSpec.ALL, 0.2, 42, true);
            double read = report("CIFAR-10 binary (60,000 images, 184 MB)", service,
                    new PreparedDataset(DatasetKind.CIFAR10, dir, "bench", dir.toString()), spec);
            verification(dir, read);

            Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
            if (Files.isDirectory(fashion)) {
                DatasetSpec fspec = new DatasetSpec(DatasetKind.FASHION_MNIST, null, null, null, 28, false, dir,
                        DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, true);
                report("Fashion-MNIST IDX.gz (70,000 images, Debian's copy)", service,
                        new PreparedDataset(DatasetKind.FASHION_MNIST, fashion, "bench", fashion.toString()), fspec);
            } else {
                System.out.println("Fashion-MNIST: skipped (apt-get install dataset-fashion-mnist to include it)");
            }
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    /**
     * What the cache's check of extracted files costs on every reuse (size and CRC32C of each file,
     * DatasetCache.extractionDamage), against the median time to read the same data.
     */
    private static void verification(Path dir, double readSeconds) throws IOException {
        Map<String, ArchiveExtractor.ExtractedFile> recorded = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("cifar-10-batches-bin"))) {
            for (Path f : files.toList()) {
                recorded.put(dir.relativize(f).toString(), ArchiveExtractor.ExtractedFile.of(f));
            }
        }
        double[] seconds = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            if (DatasetCache.extractionDamage(dir, recorded) != null) {
                throw new IllegalStateException("the files changed while measuring");
            }
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        System.out.printf(Locale.ROOT, "%-52s median %.3f s, best %.3f s (%.0f%% of the median read)%n",
                "Cache check of the extracted CIFAR-10 (CRC32C)", seconds[REPEATS / 2], seconds[0],
                100 * seconds[REPEATS / 2] / readSeconds);
    }

    private static double report(String name, DatasetService service, PreparedDataset prepared, DatasetSpec spec)
            throws CnnException {
        double[] seconds = new double[REPEATS];
        int images = 0;
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            LoadedDataset loaded = service.load(prepared, spec);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            images = loaded.train().size() + loaded.test().size();
        }
        double first = seconds[0];
        Arrays.sort(seconds);
        double median = seconds[REPEATS / 2];
        System.out.printf(Locale.ROOT, "%-52s first %.3f s, median %.3f s, best %.3f s (%,.0f images/s at the median)%n",
                name, first, median, seconds[0], images / median);
        return median;
    }

    private static void writeCifar10Sized(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(1);
        byte[] record = new byte[3073];
        for (String batch : new String[] {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                "data_batch_5", "test_batch"}) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(batch + ".bin"))) {
                for (int i = 0; i < 10_000; i++) {
                    random.nextBytes(record);
                    record[0] = (byte) random.nextInt(10);
                    out.write(record);
                }
            }
        }
        Files.writeString(dir.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n", StandardCharsets.UTF_8);
    }
}
