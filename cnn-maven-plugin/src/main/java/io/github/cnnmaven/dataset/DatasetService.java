package io.github.cnnmaven.dataset;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.format.CifarReader;
import io.github.cnnmaven.dataset.format.IdxReader;
import io.github.cnnmaven.dataset.format.ImageFolderReader;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.download.DatasetCache;
import io.github.cnnmaven.download.RemoteFile;
import io.github.cnnmaven.output.DatasetDescription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes a configured dataset available: fetches and verifies it through the cache (or validates a
 * local folder), then reads it into memory with the reader for its format.
 */
public final class DatasetService {

    private static final Pattern CIFAR10_BATCH = Pattern.compile("data_batch_(\\d+)\\.bin");

    private final DatasetCache cache;
    private final Console console;

    public DatasetService(DatasetCache cache, Console console) {
        this.cache = cache;
        this.console = console;
    }

    /** Ensures the dataset is on disk and verified; downloads only what the cache lacks. */
    public PreparedDataset prepare(DatasetSpec spec) throws CnnException {
        spec.validate();
        if (spec.kind() == DatasetKind.FOLDER) {
            Path dir = spec.directory().toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new CnnException("cnn.datasetDir " + dir + " does not exist or is not a directory");
            }
            if (!Files.isDirectory(dir.resolve("train"))) {
                throw new CnnException("cnn.datasetDir " + dir + " has no train/ folder; expected train/<class>/*.png"
                        + " (and optionally test/<class>/*.png)");
            }
            return new PreparedDataset(DatasetKind.FOLDER, dir, folderIdentity(dir), dir.toUri().toString());
        }
        List<RemoteFile> files = DatasetSources.files(spec);
        boolean extract = !spec.kind().isIdx();
        DatasetCache.Entry entry = cache.obtain(spec.kind().id(), files, extract);
        Path location = extract ? entry.dataDirectory() : entry.filesDirectory();
        String source = files.size() == 1 ? files.get(0).url().toString()
                : files.get(0).url().resolve(".").toString();
        return new PreparedDataset(spec.kind(), location, entry.key(), source, entry.files().stream()
                .map(f -> new DatasetDescription.SourceFile(f.name(), f.checksum(), f.size())).toList());
    }

    /** Reads a prepared dataset, validating its format; errors name the file and the fault. */
    public LoadedDataset load(PreparedDataset prepared, DatasetSpec spec) throws CnnException {
        try {
            LoadedDataset loaded = switch (prepared.kind()) {
                case CIFAR10 -> loadCifar10(prepared, spec);
                case CIFAR100 -> loadCifar100(prepared, spec);
                case MNIST -> loadIdx(prepared, spec, DatasetSources.DIGIT_CLASSES);
                case FASHION_MNIST -> loadIdx(prepared, spec, DatasetSources.FASHION_CLASSES);
                case FOLDER -> loadFolder(prepared, prepared.location(), spec);
                case ARCHIVE -> loadFolder(prepared, archiveRoot(prepared.location()), spec);
            };
            console.info(String.format("%s: %d training and %d test images, %s, %d classes%s", prepared.kind().displayName(),
                    loaded.train().size(), loaded.test().size(), loaded.train().shape(), loaded.train().numClasses(),
                    loaded.inputSide() == loaded.train().height() ? "" : "; the input is " + loaded.inputSide() + "x"
                            + loaded.inputSide() + ", cropped out of them"));
            if (loaded.train().isDecodedPerImage() || loaded.test().isDecodedPerImage()) {
                console.info(String.format(Locale.ROOT, "The images (%.1f GB as bytes) do not fit in this JVM's heap: each"
                        + " is decoded from its file when a batch needs it. To hold them in memory, which is faster, give"
                        + " the training JVM more heap with cnn.argLine (-Xmx)", (loaded.train().size()
                        + (double) loaded.test().size()) * loaded.train().imageBytes() / 1e9));
            }
            return loaded;
        } catch (IOException e) {
            throw new CnnException("Could not read the " + prepared.kind().displayName() + " files in "
                    + prepared.location() + ": " + e, e);
        }
    }

    private LoadedDataset loadCifar10(PreparedDataset prepared, DatasetSpec spec) throws IOException, CnnException {
        Path dir = findDirectoryHolding(prepared.location(), "data_batch_1.bin", "CIFAR-10");
        List<Path> batches;
        try (Stream<Path> list = Files.list(dir)) {
            batches = list.filter(p -> CIFAR10_BATCH.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(DatasetService::batchNumber)).toList();
        }
        List<String> classes = CifarReader.readLabelNames(dir.resolve("batches.meta.txt"), 10);
        CifarReader reader = CifarReader.cifar10();
        ImageSet train = reader.read(batches, classes, spec.trainLimit());
        ImageSet test = reader.read(List.of(required(dir.resolve("test_batch.bin"))), classes, spec.testLimit());
        return new LoadedDataset(prepared, train, test);
    }

    private LoadedDataset loadCifar100(PreparedDataset prepared, DatasetSpec spec) throws IOException, CnnException {
        Path dir = findDirectoryHolding(prepared.location(), "train.bin", "CIFAR-100");
        boolean coarse = spec.cifar100Coarse();
        List<String> classes = CifarReader.readLabelNames(
                dir.resolve(coarse ? "coarse_label_names.txt" : "fine_label_names.txt"), coarse ? 20 : 100);
        CifarReader reader = CifarReader.cifar100(coarse);
        ImageSet train = reader.read(List.of(dir.resolve("train.bin")), classes, spec.trainLimit());
        ImageSet test = reader.read(List.of(required(dir.resolve("test.bin"))), classes, spec.testLimit());
        return new LoadedDataset(prepared, train, test);
    }

    private LoadedDataset loadIdx(PreparedDataset prepared, DatasetSpec spec, List<String> classes)
            throws IOException, CnnException {
        Path dir = prepared.location();
        List<String> names = DatasetSources.IDX_FILES;
        ImageSet train = IdxReader.read(dir.resolve(names.get(0)), dir.resolve(names.get(1)), classes, spec.trainLimit());
        ImageSet test = IdxReader.read(dir.resolve(names.get(2)), dir.resolve(names.get(3)), classes, spec.testLimit());
        return new LoadedDataset(prepared, train, test);
    }

    /**
     * Reads {@code root}, which holds {@code train/<class>/} and optionally {@code test/<class>/},
     * or class folders directly. Without a test folder, {@code testSplit} of every class is held
     * out, chosen with {@code seed}, so the split is the same in every build.
     */
    private LoadedDataset loadFolder(PreparedDataset prepared, Path root, DatasetSpec spec) throws IOException, CnnException {
        Path trainDir = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
        Path testDir = root.resolve("test");
        Map<String, List<Path>> trainClasses = ImageFolderReader.listClasses(trainDir);
        if (trainClasses.size() < 2) {
            // Nothing to tell apart; DL4J would refuse the output layer only later, when training starts.
            throw new DatasetFormatException(trainDir, "holds one class folder, '" + trainClasses.keySet().iterator().next()
                    + "': a classifier needs at least two classes; add one sub-folder of images for each class");
        }
        List<String> classNames = new ArrayList<>(trainClasses.keySet());
        List<Map.Entry<Path, Integer>> trainFiles;
        List<Map.Entry<Path, Integer>> testFiles;
        if (trainDir != root && Files.isDirectory(testDir)) {
            Map<String, List<Path>> testClasses = ImageFolderReader.listClasses(testDir);
            for (String name : testClasses.keySet()) {
                if (!trainClasses.containsKey(name)) {
                    throw new CnnException(testDir.resolve(name) + ": test class '" + name + "' has no training folder in "
                            + trainDir);
                }
            }
            trainFiles = ImageFolderReader.label(trainClasses, classNames);
            testFiles = ImageFolderReader.label(testClasses, classNames);
        } else {
            trainFiles = new ArrayList<>();
            testFiles = new ArrayList<>();
            Random random = new Random(spec.seed());
            for (int c = 0; c < classNames.size(); c++) {
                List<Path> files = new ArrayList<>(trainClasses.get(classNames.get(c)));
                Collections.shuffle(files, random);
                int held = files.size() < 2 ? 0 : (int) Math.max(1, Math.round(files.size() * spec.testSplit()));
                for (int i = 0; i < files.size(); i++) {
                    (i < held ? testFiles : trainFiles).add(Map.entry(files.get(i), c));
                }
            }
        }
        // "The first N" of a class-sorted listing would be a few classes only: take a seeded sample instead.
        trainFiles = sample(trainFiles, spec.trainLimit(), spec.seed());
        testFiles = sample(testFiles, spec.testLimit(), spec.seed());
        // stored at cnn.resizeTo (as bytes) when the input is cropped out of them on the prefetch thread
        ImageSet train = ImageFolderReader.read(trainFiles, classNames, spec.storedSide());
        ImageSet test = ImageFolderReader.read(testFiles, classNames, spec.storedSide());
        return new LoadedDataset(prepared, train, test, spec.imageSize());
    }

    private static List<Map.Entry<Path, Integer>> sample(List<Map.Entry<Path, Integer>> files, int limit, long seed) {
        if (files.size() <= limit) {
            return files;
        }
        List<Map.Entry<Path, Integer>> copy = new ArrayList<>(files);
        Collections.shuffle(copy, new Random(seed));
        return copy.subList(0, limit);
    }

    /** An archive may wrap its class folders in one top-level folder; descend through such wrappers. */
    static Path archiveRoot(Path data) throws IOException {
        Path root = data;
        for (int depth = 0; depth < 3; depth++) {
            if (Files.isDirectory(root.resolve("train"))) {
                return root;
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
                stream.forEach(children::add);
            }
            children.removeIf(p -> p.getFileName().toString().startsWith(".")
                    || p.getFileName().toString().equals("__MACOSX"));
            if (children.size() == 1 && Files.isDirectory(children.get(0))) {
                root = children.get(0);
            } else {
                return root;
            }
        }
        return root;
    }

    private static Path findDirectoryHolding(Path root, String fileName, String format) throws IOException, CnnException {
        try (Stream<Path> walk = Files.walk(root, 3)) {
            return walk.filter(p -> p.getFileName().toString().equals(fileName) && Files.isRegularFile(p))
                    .map(Path::getParent).findFirst()
                    .orElseThrow(() -> new CnnException(root + ": no " + fileName + " found; this is not a " + format
                            + " binary archive (check cnn.dataset and cnn.datasetUrl)"));
        }
    }

    private static Path required(Path file) throws CnnException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "is missing");
        }
        return file;
    }

    private static int batchNumber(Path p) {
        Matcher m = CIFAR10_BATCH.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    /** A digest of every file's relative path and size: changes when images are added, removed or replaced. */
    static String folderIdentity(Path dir) throws CnnException {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                listing.append(dir.relativize(p).toString().replace('\\', '/')).append(' ').append(Files.size(p)).append('\n');
            }
        } catch (IOException e) {
            throw new CnnException("Could not list " + dir + ": " + e.getMessage(), e);
        }
        return "folder-" + Checksum.sha256Hex(listing.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
