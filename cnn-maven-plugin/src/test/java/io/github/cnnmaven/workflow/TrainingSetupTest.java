package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.lrfinder.LrFinder;
import io.github.cnnmaven.lrfinder.LrMethod;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.PretrainedFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cnn.pretrained and cnn.freezeEpochs are checked before anything is downloaded; the fingerprint covers the pretrained model. */
class TrainingSetupTest {

    @TempDir
    Path temp;

    private final TrainingConfig lenet5 = TrainingConfig.builder().network("lenet5").epochs(2).build();
    private final PreparedDataset prepared = new PreparedDataset(DatasetKind.CIFAR10, Path.of("."), "synthetic", "memory");

    @Test
    void pretrainedAndFreezeEpochsAreCheckedFirst() throws Exception {
        assertEquals("Invalid value '2' for cnn.freezeEpochs: it freezes the pretrained layers, so it needs cnn.pretrained"
                + " (a model.zip, the coordinates of an installed model, or a Keras HDF5 file)", assertThrows(InvalidConfigurationException.class,
                () -> setup(lenet5.toBuilder().freezeEpochs(2).build(), null).validate()).getMessage());
        Path missing = temp.resolve("missing.zip");
        assertEquals("Invalid value '" + missing + "' for cnn.pretrained: a model.zip written by the train goal, the"
                + " groupId:artifactId:version of an installed model, or a Keras HDF5 file (.h5)", assertThrows(InvalidConfigurationException.class,
                () -> setup(lenet5, missing).validate()).getMessage());
        Path foreign = Files.writeString(temp.resolve("foreign.zip"), "not a zip");
        String neither = " is neither a model written by the train goal (a model.zip with cnn/metadata.json) nor a Keras HDF5 file";
        assertEquals("cnn.pretrained " + foreign + neither,
                assertThrows(InvalidConfigurationException.class, () -> setup(lenet5, foreign).validate()).getMessage());
        Path zipWithoutMetadata = temp.resolve("other.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipWithoutMetadata))) {
            zip.putNextEntry(new ZipEntry("configuration.json"));
        }
        assertEquals("cnn.pretrained " + zipWithoutMetadata + neither, assertThrows(InvalidConfigurationException.class,
                () -> setup(lenet5, zipWithoutMetadata).validate()).getMessage());
        Path whole = model("cut.zip", "lenet5", "fp-cut");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(whole, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String damaged = assertThrows(InvalidConfigurationException.class, () -> setup(lenet5, cut).validate()).getMessage();
        assertTrue(damaged.startsWith("cnn.pretrained " + cut + " is damaged ("), damaged);
        assertTrue(damaged.endsWith("): it is not a whole model.zip. Copy it again, or train it again with the train goal"),
                damaged);
        Path resnet = model("resnet.zip", "resnet20", "fp-resnet");
        assertEquals("cnn.pretrained " + resnet + " is a resnet20 network, but this build trains lenet5: fine-tuning needs"
                + " the same network (cnn.network, or the same <layers>)", assertThrows(InvalidConfigurationException.class,
                () -> setup(lenet5, resnet).validate()).getMessage());
    }

    @Test
    void theFingerprintCoversThePretrainedModelNotWhereItLies() throws Exception {
        Path a = model("a.zip", "lenet5", "fp-a");
        Path aMoved = Files.copy(a, temp.resolve("elsewhere.zip"));
        Path b = model("b.zip", "lenet5", "fp-b");
        String scratch = Freshness.fingerprint(lenet5, prepared, setup(lenet5, null));
        String fromA = Freshness.fingerprint(lenet5, prepared, setup(lenet5, a));
        assertEquals(Freshness.fingerprint(lenet5, prepared, setup(lenet5, null).dataset()), scratch,
                "without cnn.pretrained the fingerprint is what it always was");
        assertNotEquals(scratch, fromA);
        assertEquals(fromA, Freshness.fingerprint(lenet5, prepared, setup(lenet5, aMoved)));
        assertNotEquals(fromA, Freshness.fingerprint(lenet5, prepared, setup(lenet5, b)));

        // find-lr's result is for what the sweep started from too
        String sweepScratch = Freshness.lrFinderFingerprint(lenet5, prepared, setup(lenet5, null));
        String sweepFromA = Freshness.lrFinderFingerprint(lenet5, prepared, setup(lenet5, a));
        assertNotEquals(sweepScratch, sweepFromA);
        assertEquals(sweepFromA, Freshness.lrFinderFingerprint(lenet5, prepared, setup(lenet5, aMoved)));
        assertNotEquals(sweepFromA, Freshness.lrFinderFingerprint(lenet5, prepared, setup(lenet5, b)));
    }

    /**
     * A Keras file is taken by its HDF5 signature, whatever its name; its layers are checked in the training
     * JVM (they need the native HDF5), and the fingerprint covers its content.
     */
    @Test
    void aKerasFileIsTakenByItsContentAndFingerprintedByIt() throws Exception {
        byte[] hdf5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 1, 2, 3};
        Path keras = Files.write(temp.resolve("weights.bin"), hdf5);
        Path same = Files.write(temp.resolve("copy.h5"), hdf5);
        Path other = Files.write(temp.resolve("other.h5"), java.util.Arrays.copyOf(hdf5, 12));

        PretrainedModel model = setup(lenet5, keras).validate().pretrainedModel();
        assertEquals(PretrainedFormat.KERAS_HDF5, model.format());
        assertEquals("keras-sha256:" + Checksum.digest(keras, "SHA-256", false), model.fingerprint());
        assertEquals(List.of("org.bytedeco:hdf5:1.12.1-1.5.7"), setup(lenet5, keras).pretrainedNativeLibraries());
        assertEquals(List.of(), setup(lenet5, null).pretrainedNativeLibraries(), "no native library without a Keras file");
        assertEquals(List.of(), setup(lenet5, model("a.zip", "lenet5", "fp-a")).pretrainedNativeLibraries());
        String fromKeras = Freshness.fingerprint(lenet5, prepared, setup(lenet5, keras));
        assertEquals(fromKeras, Freshness.fingerprint(lenet5, prepared, setup(lenet5, same)));
        assertNotEquals(fromKeras, Freshness.fingerprint(lenet5, prepared, setup(lenet5, other)));
        assertNotEquals(fromKeras, Freshness.fingerprint(lenet5, prepared, setup(lenet5, null)));
    }

    @Test
    void cropAugmentationsStoreFolderImagesLargerAndAreCheckedAgainstTheDataset() throws Exception {
        TrainingConfig resize = TrainingConfig.builder().network("resnet50").augment(Augment.parseList("resizecrop,flip")).build();
        DatasetSpec folder = new DatasetSpec(DatasetKind.FOLDER, null, null, temp, 224, false, temp, DatasetSpec.ALL,
                DatasetSpec.ALL, 0.2, 42, false);
        TrainingSetup byDefault = new TrainingSetup(folder, resize, LearningRate.OPTIMIZER_DEFAULT, finder(), false, false, false);
        assertEquals(256, byDefault.dataset().resizeTo(), "8/7 of the input, as ImageNet's 256 for 224");
        assertEquals(300, new TrainingSetup(folder, resize.toBuilder().resizeTo(300).build(), LearningRate.OPTIMIZER_DEFAULT, finder(), false, false,
                false).validate().dataset().storedSide());
        assertEquals(0, new TrainingSetup(folder, lenet5, LearningRate.OPTIMIZER_DEFAULT, finder(), false, false, false).dataset().resizeTo(),
                "without a crop augmentation the images are stored at the input size");
        assertEquals("Invalid value '200' for cnn.resizeTo: the input (cnn.imageSize=224) is cropped out of the resized"
                + " image: use at least 224", assertThrows(InvalidConfigurationException.class, () -> new TrainingSetup(folder,
                resize.toBuilder().resizeTo(200).build(), LearningRate.OPTIMIZER_DEFAULT, finder(), false, false, false).validate()).getMessage());
        assertEquals("cnn.augment=resizecrop resizes the images of folders and archives, but CIFAR-10 images have a fixed"
                + " size: use crop4 or randomresizedcrop", assertThrows(InvalidConfigurationException.class,
                () -> setup(resize.toBuilder().network("resnet20").build(), null).validate()).getMessage());
        TrainingConfig rrc = resize.toBuilder().network("resnet20").augment(Augment.parseList("randomresizedcrop")).build();
        assertEquals(0, setup(rrc, null).validate().dataset().resizeTo(), "CIFAR: a random region of the 32x32 image");
    }

    private static LrFinder.Settings finder() {
        return new LrFinder.Settings(1e-7, 10, 100, LrMethod.VALLEY);
    }

    private TrainingSetup setup(TrainingConfig config, Path pretrained) {
        DatasetSpec spec = new DatasetSpec(DatasetKind.CIFAR10, null, null, null, 32, false, temp, DatasetSpec.ALL,
                DatasetSpec.ALL, 0.2, 42, false);
        return new TrainingSetup(spec, config, LearningRate.OPTIMIZER_DEFAULT, new LrFinder.Settings(1e-7, 10, 100, LrMethod.VALLEY), false, false,
                false, pretrained);
    }

    /** A model.zip as far as Maven's side reads it: its metadata entry. */
    private Path model(String name, String network, String fingerprint) throws Exception {
        Path file = temp.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(ModelMetadata.ENTRY));
            zip.write(Json.bytes(new ModelMetadata(fingerprint, network, List.of("a", "b"), 3, 32, 32, new double[] {0.5, 0.5,
                    0.5}, new double[] {0.2, 0.2, 0.2}, 3, 0.9)));
            zip.closeEntry();
        }
        return file;
    }
}
