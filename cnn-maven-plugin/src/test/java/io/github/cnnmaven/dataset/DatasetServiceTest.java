package io.github.cnnmaven.dataset;

import io.github.cnnmaven.output.DatasetDescription;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.download.DatasetCache;
import io.github.cnnmaven.download.Downloader;
import io.github.cnnmaven.testing.FixtureServer;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatasetServiceTest {

    @TempDir
    Path temp;
    Path served;
    FixtureServer server;
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        served = Files.createDirectories(temp.resolve("served"));
        server = FixtureServer.start(served, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    DatasetSpec spec(DatasetKind kind, String url, String sha256) {
        return new DatasetSpec(kind, url, sha256, null, 32, false, temp.resolve("cache"), DatasetSpec.ALL, DatasetSpec.ALL,
                0.2, 42, false);
    }

    DatasetService service(boolean offline) {
        Console console = Console.of(log::add, log::add);
        Downloader downloader = new Downloader(List.of(),
                new Downloader.RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(5)), console, false);
        return new DatasetService(new DatasetCache(temp.resolve("cache"), downloader, new ArchiveExtractor(), offline, console),
                console);
    }

    static String sha256(Path file) throws Exception {
        return Checksum.digest(file, "SHA-256", false);
    }

    @Test
    void cifar10FromAMirrorWithItsChecksum() throws Exception {
        Path archive = served.resolve("cifar-10-binary.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 20, 5, 1);
        DatasetSpec spec = spec(DatasetKind.CIFAR10, server.url("cifar-10-binary.tar.gz").toString(), sha256(archive));
        DatasetService service = service(false);
        LoadedDataset data = service.load(service.prepare(spec), spec);
        assertEquals(200, data.train().size());
        assertEquals(50, data.test().size());
        assertEquals(SyntheticDatasets.CLASSES, data.classNames());
        assertArrayEquals(SyntheticDatasets.generate(20, 32, 3, 1).pixels(), data.train().pixels(),
                "batches are read in order data_batch_1..5");
        assertTrue(log.contains("CIFAR-10: 200 training and 50 test images, 32x32x3, 10 classes"), log.toString());
    }

    @Test
    void mirrorWithoutChecksumOverrideIsHeldToTheOfficialChecksum() throws Exception {
        SyntheticDatasets.writeCifar10Archive(served.resolve("cifar-10-binary.tar.gz"), 2, 1, 1);
        DatasetSpec spec = spec(DatasetKind.CIFAR10, server.url("cifar-10-binary.tar.gz").toString(), null);
        CnnException e = assertThrows(CnnException.class, () -> service(false).prepare(spec));
        assertTrue(e.getMessage().contains("expected MD5:" + DatasetSources.CIFAR10_MD5), e.getMessage());
    }

    @Test
    void cifar100CoarseOrFine() throws Exception {
        Path archive = served.resolve("cifar-100-binary.tar.gz");
        SyntheticDatasets.writeCifar100Archive(archive, 3, 1, 1);
        DatasetSpec fine = spec(DatasetKind.CIFAR100, archive.toUri().toString(), sha256(archive));
        LoadedDataset data = service(false).load(service(false).prepare(fine), fine);
        assertEquals(100, data.classNames().size());
        assertEquals(30, data.train().size());
        DatasetSpec coarse = new DatasetSpec(DatasetKind.CIFAR100, fine.url(), fine.sha256(), null, 32, true,
                fine.cacheDirectory(), DatasetSpec.ALL, 4, 0.2, 42, true);
        LoadedDataset coarseData = service(true).load(service(true).prepare(coarse), coarse);
        assertEquals(20, coarseData.classNames().size());
        assertEquals(4, coarseData.test().size());
    }

    @Test
    void mnistFromABaseUrlHoldingTheFourFiles() throws Exception {
        Path dir = served.resolve("mnist");
        SyntheticDatasets.writeIdx(dir, 6, 2, 3);
        List<String> shas = new ArrayList<>();
        for (String name : DatasetSources.IDX_FILES) {
            shas.add(sha256(dir.resolve(name)));
        }
        DatasetSpec spec = spec(DatasetKind.MNIST, server.url("mnist").toString(), String.join(",", shas));
        DatasetService service = service(false);
        LoadedDataset data = service.load(service.prepare(spec), spec);
        assertEquals(60, data.train().size());
        assertEquals(20, data.test().size());
        assertEquals("28x28x1", data.train().shape());
        assertEquals(DatasetSources.DIGIT_CLASSES, data.classNames());
        for (String name : DatasetSources.IDX_FILES) {
            assertEquals(1, server.requests("mnist/" + name), name);
        }
        // what dataset.json, and so the model card, lists: each file with the checksum it was verified against
        List<DatasetDescription.SourceFile> files = data.describe().files();
        assertEquals(DatasetSources.IDX_FILES, files.stream().map(DatasetDescription.SourceFile::name).toList());
        for (int i = 0; i < files.size(); i++) {
            assertEquals("SHA-256:" + shas.get(i), files.get(i).checksum());
            assertEquals(Files.size(dir.resolve(files.get(i).name())), files.get(i).size());
        }
    }

    @Test
    void archiveOfClassFoldersInAWrapperFolder() throws Exception {
        Path zip = served.resolve("shapes.zip");
        SyntheticDatasets.writeImageFolderZip(zip, 24, 3, 1, 2);
        DatasetSpec spec = new DatasetSpec(DatasetKind.ARCHIVE, server.url("shapes.zip").toString(), sha256(zip), null, 16,
                false, temp.resolve("cache"), DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, false);
        LoadedDataset data = service(false).load(service(false).prepare(spec), spec);
        assertEquals(30, data.train().size());
        assertEquals(10, data.test().size());
        assertEquals("16x16x3", data.train().shape());
    }

    @Test
    void folderWithoutTestSplitHoldsOutASeededStratifiedShare() throws Exception {
        Path dir = temp.resolve("images");
        SyntheticDatasets.writeImageFolder(dir, 16, 5, 0, 4);
        DatasetSpec spec = new DatasetSpec(DatasetKind.FOLDER, null, null, dir, 16, false, temp.resolve("cache"),
                DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, true);
        DatasetService service = service(true);
        PreparedDataset prepared = service.prepare(spec);
        LoadedDataset a = service.load(prepared, spec);
        LoadedDataset b = service.load(prepared, spec);
        assertEquals(40, a.train().size());
        assertNull(a.describe().files(), "a folder is identified by its listing, not by downloaded files");
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, a.test().classCounts());
        assertArrayEquals(a.test().pixels(), b.test().pixels(), "same seed, same split");

        DatasetSpec otherSeed = new DatasetSpec(DatasetKind.FOLDER, null, null, dir, 16, false, temp.resolve("cache"),
                DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 7, true);
        assertNotEquals(Arrays.hashCode(a.test().pixels()), Arrays.hashCode(service.load(prepared, otherSeed).test().pixels()));

        Files.delete(dir.resolve("train/disc/00001.png"));
        assertNotEquals(prepared.identity(), service.prepare(spec).identity(), "identity follows the content");
    }

    /** One class is refused as soon as the folders are listed: no image is decoded, no training starts. */
    @Test
    void aSingleClassFolderIsRefusedNamingTheFolder() throws Exception {
        Path cats = Files.createDirectories(temp.resolve("one-class/train/cats"));
        Files.write(cats.resolve("broken.png"), new byte[] {1, 2, 3}); // never decoded: the listing fails first
        DatasetSpec spec = new DatasetSpec(DatasetKind.FOLDER, null, null, cats.getParent().getParent(), 16, false,
                temp.resolve("cache"), DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, true);
        DatasetService service = service(true);
        CnnException e = assertThrows(CnnException.class, () -> service.load(service.prepare(spec), spec));
        assertTrue(e.getMessage().startsWith(cats.getParent().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("holds one class folder, 'cats': a classifier needs at least two classes"),
                e.getMessage());
    }

    @Test
    void folderWithoutTrainFolderIsExplained() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("flat/cats"));
        DatasetSpec spec = new DatasetSpec(DatasetKind.FOLDER, null, null, dir.getParent(), 16, false, temp.resolve("cache"),
                DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, false);
        CnnException e = assertThrows(CnnException.class, () -> service(false).prepare(spec));
        assertTrue(e.getMessage().contains("has no train/ folder"), e.getMessage());
    }

    @Test
    void badConfigurationNamesTheProperty() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> DatasetKind.fromId("imagenet"))
                .getMessage().contains("cnn.dataset"));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> service(false).prepare(spec(DatasetKind.CIFAR10, "ftp://mirror/x.tar.gz", null)))
                .getMessage().contains("cnn.datasetUrl"));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> service(false).prepare(spec(DatasetKind.MNIST, null, "abc")))
                .getMessage().contains("cnn.datasetSha256"));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> service(false).prepare(spec(DatasetKind.ARCHIVE, "http://x/a.zip", null)))
                .getMessage().contains("cnn.datasetSha256"));
        DatasetSpec badSplit = new DatasetSpec(DatasetKind.CIFAR10, null, null, null, 32, false, temp, 1, 1, 1.5, 1, false);
        assertTrue(assertThrows(InvalidConfigurationException.class, badSplit::validate).getMessage().contains("cnn.testSplit"));
        DatasetSpec folder = new DatasetSpec(DatasetKind.FOLDER, null, null, null, 32, false, temp, 1, 1, 0.2, 1, false);
        assertTrue(assertThrows(InvalidConfigurationException.class, folder::validate).getMessage().contains("cnn.datasetDir"));
    }

    /** The one real dataset on these machines: Debian's re-compressed Fashion-MNIST verifies by content. */
    @Test
    void debianFashionMnistVerifiesAgainstTheBuiltInChecksums() throws Exception {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(debian), "Debian's dataset-fashion-mnist is not installed");
        DatasetSpec spec = spec(DatasetKind.FASHION_MNIST, debian.toUri().toString(), null);
        DatasetSpec offline = new DatasetSpec(spec.kind(), spec.url(), null, null, 32, false, spec.cacheDirectory(),
                DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, true);
        LoadedDataset data = service(true).load(service(true).prepare(offline), offline);
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertEquals("Ankle boot", data.classNames().get(data.train().label(0)), "the first Fashion-MNIST image is a boot");
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, data.train().classCounts());
    }
}
