package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CifarReaderTest {

    @TempDir
    Path temp;

    final ImageSet original = SyntheticDatasets.generate(3, 32, 3, 5);

    @Test
    void readsRecordsBackExactly() throws Exception {
        Path batch = Files.write(temp.resolve("data_batch_1.bin"), SyntheticDatasets.cifar10Records(original));
        ImageSet read = CifarReader.cifar10().read(List.of(batch), SyntheticDatasets.CLASSES, Integer.MAX_VALUE);
        assertEquals(30, read.size());
        assertArrayEquals(original.labels(), read.labels());
        assertArrayEquals(original.pixels(), read.pixels());
        assertEquals("32x32x3", read.shape());
    }

    @Test
    void limitStopsAcrossBatches() throws Exception {
        byte[] records = SyntheticDatasets.cifar10Records(original);
        Path a = Files.write(temp.resolve("a.bin"), Arrays.copyOfRange(records, 0, 10 * 3073));
        Path b = Files.write(temp.resolve("b.bin"), Arrays.copyOfRange(records, 10 * 3073, records.length));
        ImageSet read = CifarReader.cifar10().read(List.of(a, b), SyntheticDatasets.CLASSES, 15);
        assertEquals(15, read.size());
        assertArrayEquals(Arrays.copyOf(original.labels(), 15), read.labels());
        assertArrayEquals(Arrays.copyOf(original.pixels(), 15 * 3072), read.pixels());
    }

    @Test
    void readsCifar100FineOrCoarseLabels() throws Exception {
        Path file = Files.write(temp.resolve("train.bin"), SyntheticDatasets.cifar100Records(original));
        List<String> fine = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "f" + i).toList();
        ImageSet fineSet = CifarReader.cifar100(false).read(List.of(file), fine, Integer.MAX_VALUE);
        assertArrayEquals(original.labels(), fineSet.labels());
        assertArrayEquals(original.pixels(), fineSet.pixels());
        List<String> coarse = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "c" + i).toList();
        ImageSet coarseSet = CifarReader.cifar100(true).read(List.of(file), coarse, Integer.MAX_VALUE);
        assertEquals(original.label(13) % 20, coarseSet.label(13));
    }

    @Test
    void recordSizeThatDoesNotDivideTheFileIsNamed() throws Exception {
        byte[] records = SyntheticDatasets.cifar10Records(original);
        Path batch = Files.write(temp.resolve("data_batch_1.bin"), Arrays.copyOf(records, records.length - 7));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.cifar10().read(List.of(batch), SyntheticDatasets.CLASSES, Integer.MAX_VALUE));
        assertTrue(e.getMessage().startsWith(batch.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a whole number of 3073-byte CIFAR-10 records"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() throws Exception {
        byte[] records = SyntheticDatasets.cifar10Records(original);
        records[3073 * 4] = 10;
        Path batch = Files.write(temp.resolve("data_batch_2.bin"), records);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.cifar10().read(List.of(batch), SyntheticDatasets.CLASSES, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("data_batch_2.bin: record 4 has label 10, outside 0..9"), e.getMessage());
    }

    @Test
    void labelNamesMustMatchTheClassCount() throws Exception {
        Path meta = Files.writeString(temp.resolve("batches.meta.txt"), "cat\ndog\n\n");
        assertEquals(List.of("cat", "dog"), CifarReader.readLabelNames(meta, 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CifarReader.readLabelNames(meta, 10));
        assertTrue(e.getMessage().contains("has 2 label names, expected 10"), e.getMessage());
    }
}
