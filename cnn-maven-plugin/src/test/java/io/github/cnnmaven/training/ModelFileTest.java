package io.github.cnnmaven.training;

import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model and checkpoint file: DL4J's entries copied as they are compressed, with ours beside them. */
class ModelFileTest {

    @TempDir
    Path temp;

    static ComputationGraph trainedOnce() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        graph.init();
        Nd4j.getRandom().setSeed(7);
        graph.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(16, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0)));
        return graph;
    }

    @Test
    void aCheckpointReadsBackWithItsUpdaterStateMetadataAndState() throws Exception {
        ComputationGraph graph = trainedOnce();
        ModelMetadata metadata = new ModelMetadata("fp", "custom", List.of("a", "b", "c"), 1, 2, 2, new double[] {0.5},
                new double[] {0.25}, 3, 0.75);
        Path file = temp.resolve("last.zip");
        ModelFile.write(graph, metadata, Map.of("epoch", 3), true, file);

        ComputationGraph back = ModelFile.readGraph(file, true);
        assertEquals(graph.params(), back.params());
        assertTrue(graph.getUpdater().getStateViewArray().sumNumber().doubleValue() != 0, "Adam has moments after a step");
        assertEquals(graph.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(metadata.fingerprint(), ModelFile.readEntry(file, ModelFile.METADATA_ENTRY, ModelMetadata.class).fingerprint());
        assertArrayEquals(metadata.mean(), ModelFile.readEntry(file, ModelFile.METADATA_ENTRY, ModelMetadata.class).mean());
        assertEquals(3, ModelFile.readEntry(file, ModelFile.STATE_ENTRY, Map.class).get("epoch"));

        // every entry inflates and matches its CRC when read as a stream (ZipInputStream checks both)
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                zip.readAllBytes();
                names.add(e.getName());
            }
        }
        assertTrue(names.containsAll(List.of("configuration.json", "coefficients.bin", "updaterState.bin",
                ModelFile.METADATA_ENTRY, ModelFile.STATE_ENTRY)), names.toString());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            assertEquals(ZipEntry.DEFLATED, zip.getEntry("coefficients.bin").getMethod(), "copied as DL4J compressed it");
        }
    }

    @Test
    void aModelWithoutUpdaterHasNoUpdaterEntry() throws Exception {
        Path file = temp.resolve("model.zip");
        ModelFile.write(trainedOnce(), null, null, false, file);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            assertEquals(null, zip.getEntry("updaterState.bin"));
            assertEquals(null, zip.getEntry(ModelFile.STATE_ENTRY));
        }
        assertEquals(trainedOnce().params(), ModelFile.readGraph(file, false).params());
    }
}
