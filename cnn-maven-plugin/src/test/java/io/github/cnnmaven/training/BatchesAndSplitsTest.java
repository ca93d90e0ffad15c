package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Augment;

import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesAndSplitsTest {

    final ImageSet set = SyntheticDatasets.generate(10, 8, 3, 1);

    @Test
    void normalisesWithTheTrainingStatisticsAndOneHotLabels() {
        int[] all = IntStream.range(0, set.size()).toArray();
        ChannelNormalizer normalizer = ChannelNormalizer.fit(set, all);
        DataSet batch = new ImageBatches(set, all, 100, normalizer, null, 0, 0).next();
        assertArrayEquals(new long[] {100, 3, 8, 8}, batch.getFeatures().shape());
        for (int c = 0; c < 3; c++) {
            double mean = batch.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(c)).meanNumber().doubleValue();
            assertEquals(0, mean, 1e-4, "channel " + c + " has mean 0 after normalising");
        }
        assertEquals(1.0, batch.getLabels().getDouble(17, set.label(17)), 0);
        assertEquals(100.0, batch.getLabels().sumNumber().doubleValue(), 1e-6);
    }

    @Test
    void labelSmoothingSpreadsProbability() {
        int[] one = {0};
        DataSet batch = new ImageBatches(set, one, 1, ChannelNormalizer.fit(set, one), null, 0, 0.1).next();
        assertEquals(0.91, batch.getLabels().getDouble(0, set.label(0)), 1e-6);
        assertEquals(0.01, batch.getLabels().getDouble(0, (set.label(0) + 1) % 10), 1e-6);
    }

    @Test
    void flipMirrorsAndCropShiftsWithZeroFill() {
        float[] image = new float[2 * 3 * 3];
        for (int i = 0; i < image.length; i++) {
            image[i] = i + 1;
        }
        float[] flipped = image.clone();
        // a random source whose first boolean is true: flip always happens
        new Augmentation(List.of(Augment.FLIP)).apply(flipped, 0, 2, 3, 3, new Random(0) {
            @Override
            public boolean nextBoolean() {
                return true;
            }
        });
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10, 15, 14, 13, 18, 17, 16}, flipped);

        float[] cropped = image.clone();
        new Augmentation(List.of(Augment.CROP4)).apply(cropped, 0, 2, 3, 3, new Random(0) {
            @Override
            public int nextInt(int bound) {
                return 5; // shift by +1 in y and x
            }
        });
        assertArrayEquals(new float[] {5, 6, 0, 8, 9, 0, 0, 0, 0, 14, 15, 0, 17, 18, 0, 0, 0, 0}, cropped);
    }

    /** torchvision's RandomErasing: half the images, one rectangle of 2-33 % of the area on every channel, set to the mean (0). */
    @Test
    void eraseSetsOneRectangleOnHalfTheImages() {
        Augmentation erase = new Augmentation(List.of(Augment.ERASE));
        Random random = new Random(7);
        int images = 2000;
        int erased = 0;
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int i = 0; i < images; i++) {
            float[] image = new float[2 * 28 * 28];
            Arrays.fill(image, 1f);
            erase.apply(image, 0, 2, 28, 28, random);
            int top = 28, bottom = -1, left = 28, right = -1, zeros = 0;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(image[y * 28 + x], image[784 + y * 28 + x], "both channels alike at " + y + "," + x);
                    if (image[y * 28 + x] == 0) {
                        zeros++;
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                    }
                }
            }
            if (zeros > 0) {
                erased++;
                assertEquals((bottom - top + 1) * (right - left + 1), zeros, "one filled rectangle in image " + i);
                smallest = Math.min(smallest, zeros);
                largest = Math.max(largest, zeros);
            }
        }
        assertTrue(erased > 0.45 * images && erased < 0.55 * images, erased + " of " + images + " erased");
        assertTrue(smallest >= 0.015 * 784 && smallest < 0.05 * 784, "the smallest rectangle: " + smallest + " pixels");
        assertTrue(largest <= 0.36 * 784 && largest > 0.25 * 784, "the largest rectangle: " + largest + " pixels");
        assertTrue(!erase.isNone());
    }

    /** Cutout: a square of side h/4 (7×7 on 28×28) centred anywhere, clipped at the borders, on every channel. */
    @Test
    void cutoutZeroesOneSquareClippedAtTheBorders() {
        float[] middle = cutOut(13, 20);
        assertEquals(49, zeros(middle, 0), "a whole 7x7 square");
        for (int y = 10; y <= 16; y++) {
            for (int x = 17; x <= 23; x++) {
                assertEquals(0f, middle[y * 28 + x], "inside at " + y + "," + x);
            }
        }
        float[] corner = cutOut(0, 27);
        assertEquals(16, zeros(corner, 0), "a 4x4 corner: rows 0-3, columns 24-27");
        assertEquals(0f, corner[3 * 28 + 24]);
        for (float[] image : List.of(middle, corner)) {
            assertEquals(zeros(image, 0), zeros(image, 784), "both channels alike");
            for (int i = 0; i < 784; i++) {
                assertEquals(image[i], image[784 + i], "both channels alike at " + i);
            }
        }
    }

    private static float[] cutOut(int centreY, int centreX) {
        float[] image = new float[2 * 28 * 28];
        Arrays.fill(image, 1f);
        int[] centre = {centreY, centreX};
        new Augmentation(List.of(Augment.CUTOUT)).apply(image, 0, 2, 28, 28, new Random(0) {
            private int draws;

            @Override
            public int nextInt(int bound) {
                return centre[draws++];
            }
        });
        return image;
    }

    private static int zeros(float[] image, int offset) {
        int zeros = 0;
        for (int i = offset; i < offset + 784; i++) {
            zeros += image[i] == 0 ? 1 : 0;
        }
        return zeros;
    }

    @Test
    void cropsPadTrainingImagesWithBlackNotTheMean() {
        int[] all = IntStream.range(0, set.size()).toArray();
        ChannelNormalizer normalizer = ChannelNormalizer.fit(set, all);
        float[] cropped = new ImageBatches(set, all, set.size(), normalizer, new Augmentation(List.of(Augment.CROP4)), 7, 0)
                .next().getFeatures().data().asFloat();
        float[] black = new float[3];
        for (int c = 0; c < 3; c++) {
            black[c] = normalizer.tables()[c][0];
        }
        int plane = 8 * 8;
        long padded = 0;
        for (int i = 0; i < cropped.length; i++) {
            // zero is the channel mean after normalising: what the padding was before, grey on a black background
            assertTrue(cropped[i] != 0f, "no mean-coloured padding at " + i);
            padded += cropped[i] == black[i / plane % 3] ? 1 : 0;
        }
        assertTrue(padded > cropped.length / 20, "shifted images show black borders: " + padded);
    }

    @Test
    void augmentationChangesTrainingBatchesOnly() {
        int[] all = IntStream.range(0, set.size()).toArray();
        ChannelNormalizer n = ChannelNormalizer.fit(set, all);
        Augmentation aug = new Augmentation(List.of(Augment.values()));
        DataSet plain = new ImageBatches(set, all, 100, n, null, 0, 0).next();
        DataSet augmented = new ImageBatches(set, all, 100, n, aug, 0, 0).next();
        DataSet again = new ImageBatches(set, all, 100, n, aug, 0, 0).next();
        assertNotEquals(plain.getFeatures(), augmented.getFeatures());
        assertEquals(augmented.getFeatures(), again.getFeatures(), "seeded: the same epoch augments the same way");
    }

    @Test
    void validationSplitIsStratifiedSeededAndDisjoint() {
        Splits.Split a = Splits.stratified(set.labels(), 10, 0.2, 42);
        Splits.Split b = Splits.stratified(set.labels(), 10, 0.2, 42);
        assertArrayEquals(a.validation(), b.validation());
        assertEquals(20, a.validation().length);
        int[] perClass = new int[10];
        for (int i : a.validation()) {
            perClass[set.label(i)]++;
        }
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, perClass);
        assertTrue(Arrays.stream(a.train()).noneMatch(i -> Arrays.binarySearch(a.validation(), i) >= 0));
        assertNotEquals(Arrays.toString(a.validation()), Arrays.toString(Splits.stratified(set.labels(), 10, 0.2, 7).validation()));
    }

    @Test
    void oversamplingBalancesClasses() {
        int[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 2};
        int[] order = Splits.epochOrder(IntStream.range(0, 9).toArray(), labels, 3, true, 1);
        int[] counts = new int[3];
        for (int i : order) {
            counts[labels[i]]++;
        }
        assertArrayEquals(new int[] {6, 6, 6}, counts);
        assertEquals(9, Splits.epochOrder(IntStream.range(0, 9).toArray(), labels, 3, false, 1).length);
    }
}
