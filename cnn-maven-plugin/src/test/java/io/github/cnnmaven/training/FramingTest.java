package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.dataset.ImageSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FramingTest {

    /** The identity table: a byte's value as a float. */
    private static final float[][] IDENTITY = identity();

    private static float[][] identity() {
        float[] table = new float[256];
        for (int i = 0; i < 256; i++) {
            table[i] = i;
        }
        return new float[][] {table};
    }

    /** One grey h×w image whose pixel (y, x) is y * w + x. */
    private static byte[] ramp(int side) {
        byte[] pixels = new byte[side * side];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        return pixels;
    }

    @Test
    void theCentreCropIsTheMiddleOfTheStoredImage() {
        Framing centre = Framing.forEvaluation(10, 6);
        assertEquals(Framing.Mode.CENTRE, centre.mode());
        float[] out = new float[36];
        centre.write(ramp(10), 0, 1, 10, 10, IDENTITY, new Random(1), out, 0);
        assertEquals(2 * 10 + 2, out[0]);               // (2, 2) is the centre 6×6's top-left in 10×10
        assertEquals(7 * 10 + 7, out[35]);              // (7, 7) its bottom-right
        assertEquals(Framing.Mode.WHOLE, Framing.forEvaluation(6, 6).mode());
        assertThrows(IllegalArgumentException.class, () -> Framing.forEvaluation(6, 8));
    }

    @Test
    void resizeCropTakesASquareOfTheInputSizeAtRandomPlacesInsideTheImage() {
        Framing crop = Framing.forTraining(Augment.RESIZECROP, 10, 6);
        assertEquals(Framing.Mode.RANDOM_CROP, crop.mode());
        Random random = new Random(3);
        Set<Integer> corners = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            float[] out = new float[36];
            crop.write(ramp(10), 0, 1, 10, 10, IDENTITY, random, out, 0);
            int top = (int) out[0] / 10;
            int left = (int) out[0] % 10;
            assertTrue(top <= 4 && left <= 4, "inside the image: " + top + "," + left);
            assertEquals(out[0] + 5 * 10 + 5, out[35], "a 6×6 copy, not a resize");
            corners.add((int) out[0]);
        }
        assertEquals(25, corners.size(), "every one of the 5×5 offsets is taken");
    }

    @Test
    void randomResizedCropTakesRegionsOfTorchvisionsScaleAndAspectRanges() {
        Framing rrc = Framing.forTraining(Augment.RANDOMRESIZEDCROP, 64, 32);
        Random random = new Random(5);
        double smallest = 1;
        double largest = 0;
        for (int i = 0; i < 2000; i++) {
            int[] r = rrc.region(64, 64, random);
            assertTrue(r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= 64 && r[1] + r[3] <= 64, "inside: " + List.of(r[0], r[1], r[2], r[3]));
            double scale = r[2] * r[3] / (64.0 * 64);
            double ratio = (double) r[3] / r[2];
            if (scale < 1) { // the fallback is the whole image
                assertTrue(ratio > 0.7 && ratio < 1.45, "aspect " + ratio);
            }
            smallest = Math.min(smallest, scale);
            largest = Math.max(largest, scale);
        }
        assertTrue(smallest < 0.1 && smallest >= 0.07, "down to 8 % of the area: " + smallest);
        assertTrue(largest > 0.9, "up to all of it: " + largest);
    }

    @Test
    void aResizedRegionIsInterpolatedBetweenItsPixels() {
        // the whole 4×4 ramp resized to 2×2: pixel centres aligned, each output is the mean of a 2×2 block
        float[] out = new float[4];
        new Framing(Framing.Mode.RANDOM_RESIZED_CROP, 2).write(ramp(4), 0, 1, 4, 4, IDENTITY, new int[] {0, 0, 4, 4}, out, 0);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out, 1e-6f);
        // a 2×2 region at (1, 1) enlarged to 4×4 keeps its corners and interpolates between them
        float[] up = new float[16];
        new Framing(Framing.Mode.RANDOM_RESIZED_CROP, 4).write(ramp(4), 0, 1, 4, 4, IDENTITY, new int[] {1, 1, 2, 2}, up, 0);
        assertEquals(5, up[0], 1e-6);
        assertEquals(10, up[15], 1e-6);
        assertEquals(5.25, up[1], 1e-6);
    }

    @Test
    void batchesHaveTheInputsSideWhateverTheStoredSide() {
        ImageSet stored = new ImageSet(1, 10, 10, new byte[3 * 100], new int[] {0, 1, 0}, List.of("a", "b"));
        ImageBatches batches = new ImageBatches(stored, new int[] {0, 1, 2}, 2, ChannelNormalizer.fit(stored, new int[] {0, 1, 2}),
                null, 0, 0, Framing.forEvaluation(10, 6));
        DataSet first = batches.next();
        assertArrayEquals(new long[] {2, 1, 6, 6}, first.getFeatures().shape());
        assertEquals(36, batches.inputColumns());
    }
}
