package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.testing.SyntheticDatasets;

import java.nio.file.Path;

/**
 * Writes a CIFAR-10-sized archive in the official binary layout (50,000 training and 10,000 test
 * images of drawn shapes, 32×32×3) for {@code scripts/benchmark-cifar-run.sh}, and prints its SHA-256.
 * Args: the archive to write.
 */
public final class SyntheticCifar10 {

    private SyntheticCifar10() {
    }

    public static void main(String[] args) throws Exception {
        Path archive = Path.of(args[0]);
        SyntheticDatasets.writeCifar10Archive(archive, 5000, 1000, 42);
        System.out.println(Checksum.digest(archive, "SHA-256", false));
    }
}
