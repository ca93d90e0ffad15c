package io.github.cnnmaven.dataset.format;

import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderReaderTest {

    @TempDir
    Path temp;

    @Test
    void readsClassFoldersResizedToRgb() throws Exception {
        SyntheticDatasets.writeImageFolder(temp, 40, 2, 0, 1);
        ImageSet set = ImageFolderReader.read(temp.resolve("train"), 16);
        assertEquals(20, set.size());
        assertEquals("16x16x3", set.shape());
        assertEquals(SyntheticDatasets.CLASSES.stream().sorted().toList(), set.classNames());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, set.classCounts());
    }

    @Test
    void keepsColourChannelsApart() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("train/red"));
        BufferedImage red = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                red.setRGB(x, y, new Color(250, 10, 20).getRGB());
            }
        }
        ImageIO.write(red, "png", dir.resolve("a.png").toFile());
        ImageIO.write(red, "jpg", dir.resolve("b.JPG").toFile());
        ImageSet set = ImageFolderReader.read(temp.resolve("train"), 4);
        assertEquals(2, set.size());
        assertEquals(250, set.pixel(0, 0, 1, 1));
        assertEquals(10, set.pixel(0, 1, 1, 1));
        assertEquals(20, set.pixel(0, 2, 1, 1));
        assertTrue(Math.abs(set.pixel(1, 0, 1, 1) - 250) < 12, "JPEG is lossy but close");
    }

    @Test
    void emptyClassFolderIsNamed() throws Exception {
        SyntheticDatasets.writeImageFolder(temp, 16, 1, 0, 1);
        Path empty = Files.createDirectories(temp.resolve("train/zebra"));
        Files.writeString(empty.resolve("notes.txt"), "not an image");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderReader.read(temp.resolve("train"), 16));
        assertTrue(e.getMessage().startsWith(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("class folder 'zebra' holds no PNG or JPEG images"), e.getMessage());
    }

    @Test
    void unreadableImageIsNamed() throws Exception {
        SyntheticDatasets.writeImageFolder(temp, 16, 1, 0, 1);
        Path broken = Files.writeString(temp.resolve("train/disc/broken.png"), "this is no PNG");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderReader.read(temp.resolve("train"), 16));
        assertTrue(e.getMessage().startsWith(broken.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unreadable image"), e.getMessage());
    }

    @Test
    void folderWithoutClassesIsNamed() throws Exception {
        Path train = Files.createDirectories(temp.resolve("train"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ImageFolderReader.read(train, 16));
        assertTrue(e.getMessage().contains("holds no class folders"), e.getMessage());
    }

    /** A grey model (Fashion-MNIST) gets one plane; a grey PNG keeps its values, resized to the model's size. */
    @Test
    void decodesToOneGreyPlaneOrThreeColourPlanesAtTheModelsSize() throws Exception {
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                grey.getRaster().setSample(x, y, 0, x < 4 ? 40 : 200);
            }
        }
        Path file = temp.resolve("grey.png");
        ImageIO.write(grey, "png", file.toFile());

        byte[] one = new byte[1 + 4 * 4];
        ImageFolderReader.decode(file, 1, 4, 4, one, 1);
        assertEquals(0, one[0], "nothing before the offset");
        assertEquals(40, one[1] & 0xff);
        assertEquals(200, one[1 + 3] & 0xff);
        assertEquals(200, one[1 + 15] & 0xff);

        byte[] three = new byte[3 * 2 * 4];
        ImageFolderReader.decode(file, 3, 2, 4, three, 0); // 2 rows of 4: not square
        for (int c = 0; c < 3; c++) {
            assertEquals(40, three[c * 8] & 0xff, "channel " + c);
            assertEquals(200, three[c * 8 + 7] & 0xff, "channel " + c);
        }
    }

    /** A set whose bytes do not fit in the free heap is decoded image by image: the same images, the same batches. */
    @Test
    void imagesTooLargeForTheHeapAreDecodedPerImageAndBadOnesStillFailFirst() throws Exception {
        Listed listed = twentyImages();
        int imageBytes = 3 * 16 * 16;
        ImageSet held = listed.read(1L << 30, ImageSet.CHUNK_BYTES);
        ImageSet decoded = listed.read(10L * imageBytes, ImageSet.CHUNK_BYTES); // room for 8 of the 20

        assertTrue(decoded.isDecodedPerImage() && !held.isDecodedPerImage());
        assertThrows(IllegalStateException.class, decoded::pixels, "no pixels are held");
        assertArrayEquals(held.labels(), decoded.labels());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(held.pixels(), i * imageBytes, (i + 1) * imageBytes),
                    java.util.Arrays.copyOfRange(decoded.chunk(i), decoded.offset(i), decoded.offset(i) + imageBytes),
                    "image " + i);
        }
        int[] picks = {19, 0, 7, 7, 12};
        ImageSet picked = decoded.select(picks);
        assertTrue(picked.isDecodedPerImage());
        for (int i = 0; i < picks.length; i++) {
            assertArrayEquals(image(held, picks[i]), image(picked, i), "pick " + i);
            assertEquals(held.label(picks[i]), picked.label(i));
        }
        assertArrayEquals(image(held, 3), image(decoded.limit(4), 3));

        int[] all = java.util.stream.IntStream.range(0, 20).toArray();
        io.github.cnnmaven.training.ChannelNormalizer norm = io.github.cnnmaven.training.ChannelNormalizer.fit(held, all);
        assertArrayEquals(norm.mean(), io.github.cnnmaven.training.ChannelNormalizer.fit(decoded, all).mean());
        org.nd4j.linalg.dataset.DataSet a = new io.github.cnnmaven.training.ImageBatches(held, all, 20, norm, null, 0, 0).next();
        org.nd4j.linalg.dataset.DataSet b = new io.github.cnnmaven.training.ImageBatches(decoded, all, 20, norm, null, 0, 0).next();
        assertEquals(a.getFeatures(), b.getFeatures());

        Path bad = listed.files().get(3).getKey();
        Files.writeString(bad, "not an image any more");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> listed.read(10L * imageBytes, ImageSet.CHUNK_BYTES));
        assertTrue(e.getMessage().startsWith(bad + ": unreadable image"), e.getMessage());
    }

    /** A set larger than one array holds is read in chunks of whole images: the same images, the same batches. */
    @Test
    void aChunkedSetHoldsTheSameImages() throws Exception {
        Listed listed = twentyImages();
        int imageBytes = 3 * 16 * 16;
        ImageSet whole = listed.read(1L << 30, ImageSet.CHUNK_BYTES);
        ImageSet chunked = listed.read(1L << 30, 3 * imageBytes + 5); // 3 images a chunk

        assertEquals(20, chunked.size());
        assertThrows(IllegalStateException.class, chunked::pixels, "a chunked set has no single array");
        for (int i = 0; i < 20; i++) {
            assertEquals(whole.label(i), chunked.label(i));
            assertEquals(i % 3 * imageBytes, chunked.offset(i));
            assertArrayEquals(java.util.Arrays.copyOfRange(whole.pixels(), i * imageBytes, (i + 1) * imageBytes),
                    java.util.Arrays.copyOfRange(chunked.chunk(i), chunked.offset(i), chunked.offset(i) + imageBytes),
                    "image " + i);
        }
        int[] picks = {19, 0, 7, 7, 12};
        ImageSet picked = chunked.select(picks);
        assertEquals(imageBytes, picked.offset(4), "chunked as its set is: the fifth pick is second in the second chunk");
        for (int i = 0; i < picks.length; i++) {
            assertArrayEquals(image(whole, picks[i]), image(picked, i), "pick " + i);
            assertEquals(whole.pixel(picks[i], 2, 5, 9), picked.pixel(i, 2, 5, 9));
        }
        assertEquals(whole.limit(7).pixel(6, 1, 3, 3), chunked.limit(7).pixel(6, 1, 3, 3));

        int[] all = java.util.stream.IntStream.range(0, 20).toArray();
        io.github.cnnmaven.training.ChannelNormalizer norm = io.github.cnnmaven.training.ChannelNormalizer.fit(whole, all);
        assertArrayEquals(norm.mean(), io.github.cnnmaven.training.ChannelNormalizer.fit(chunked, all).mean());
        assertArrayEquals(norm.std(), io.github.cnnmaven.training.ChannelNormalizer.fit(chunked, all).std());
        org.nd4j.linalg.dataset.DataSet a = new io.github.cnnmaven.training.ImageBatches(whole, all, 20, norm, null, 0, 0).next();
        org.nd4j.linalg.dataset.DataSet b = new io.github.cnnmaven.training.ImageBatches(chunked, all, 20, norm, null, 0, 0).next();
        assertEquals(a.getFeatures(), b.getFeatures());
        assertEquals(a.getLabels(), b.getLabels());
    }

    private static byte[] image(ImageSet set, int i) {
        return java.util.Arrays.copyOfRange(set.chunk(i), set.offset(i), set.offset(i) + set.imageBytes());
    }

    record Listed(java.util.List<String> names, java.util.List<java.util.Map.Entry<Path, Integer>> files) {
        /** The images at 16 px, with {@code heapBytes} of free heap, in chunks of at most {@code chunkBytes}. */
        ImageSet read(long heapBytes, int chunkBytes) throws DatasetFormatException {
            return ImageFolderReader.read(files, names, 16, heapBytes, chunkBytes);
        }
    }

    /** Twenty synthetic 40 px images in class folders, listed as the dataset service lists them. */
    private Listed twentyImages() throws Exception {
        SyntheticDatasets.writeImageFolder(temp, 40, 2, 0, 1);
        java.util.Map<String, java.util.List<Path>> classes = ImageFolderReader.listClasses(temp.resolve("train"));
        java.util.List<String> names = new java.util.ArrayList<>(classes.keySet());
        return new Listed(names, ImageFolderReader.label(classes, names));
    }
}
