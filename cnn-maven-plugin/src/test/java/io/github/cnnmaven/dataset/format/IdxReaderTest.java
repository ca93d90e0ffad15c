package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path temp;

    final ImageSet original = SyntheticDatasets.generate(4, 28, 1, 3);

    Path images(byte[] content) throws Exception {
        Path p = temp.resolve("train-images-idx3-ubyte.gz");
        SyntheticDatasets.gzip(p, content);
        return p;
    }

    Path labels(byte[] content) throws Exception {
        Path p = temp.resolve("train-labels-idx1-ubyte.gz");
        SyntheticDatasets.gzip(p, content);
        return p;
    }

    ImageSet read(Path images, Path labels) throws Exception {
        return IdxReader.read(images, labels, SyntheticDatasets.CLASSES, Integer.MAX_VALUE);
    }

    @Test
    void readsGzippedAndPlainFiles() throws Exception {
        ImageSet read = read(images(SyntheticDatasets.idxImages(original)), labels(SyntheticDatasets.idxLabels(original)));
        assertEquals("28x28x1", read.shape());
        assertArrayEquals(original.pixels(), read.pixels());
        assertArrayEquals(original.labels(), read.labels());

        Path plainImages = Files.write(temp.resolve("i.idx"), SyntheticDatasets.idxImages(original));
        Path plainLabels = Files.write(temp.resolve("l.idx"), SyntheticDatasets.idxLabels(original));
        assertArrayEquals(original.pixels(), read(plainImages, plainLabels).pixels());
    }

    @Test
    void badMagicNumberIsNamed() throws Exception {
        byte[] content = SyntheticDatasets.idxImages(original);
        content[3] = 0x01;
        Path images = images(content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(images, labels(SyntheticDatasets.idxLabels(original))));
        assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad IDX magic number 0x00000801"), e.getMessage());
    }

    @Test
    void labelFileGivenAsImageFileIsRefused() throws Exception {
        Path labels = labels(SyntheticDatasets.idxLabels(original));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> read(labels, labels));
        assertTrue(e.getMessage().contains("bad IDX magic number"), e.getMessage());
    }

    @Test
    void impossibleDimensionsAreNamed() throws Exception {
        byte[] content = SyntheticDatasets.idxImages(original);
        ByteBuffer.wrap(content).putInt(8, 0);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(images(content), labels(SyntheticDatasets.idxLabels(original))));
        assertTrue(e.getMessage().contains("impossible IDX dimensions 40 x 0 x 28"), e.getMessage());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws Exception {
        byte[] labels = SyntheticDatasets.idxLabels(original);
        ByteBuffer.wrap(labels).putInt(4, 39);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(images(SyntheticDatasets.idxImages(original)), labels(Arrays.copyOf(labels, labels.length - 1))));
        assertTrue(e.getMessage().contains("holds 39 labels but train-images-idx3-ubyte.gz holds 40 images"), e.getMessage());
    }

    @Test
    void truncatedImagesAreNamed() throws Exception {
        byte[] content = SyntheticDatasets.idxImages(original);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(images(Arrays.copyOf(content, content.length - 100)), labels(SyntheticDatasets.idxLabels(original))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() throws Exception {
        byte[] labels = SyntheticDatasets.idxLabels(original);
        labels[8 + 5] = 12;
        Path labelFile = labels(labels);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(images(SyntheticDatasets.idxImages(original)), labelFile));
        assertTrue(e.getMessage().contains(labelFile + ": label 5 is 12, outside 0..9"), e.getMessage());
    }
}
