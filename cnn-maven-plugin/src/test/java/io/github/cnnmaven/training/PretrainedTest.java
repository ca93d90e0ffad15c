package io.github.cnnmaven.training;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cnn.pretrained and cnn.freezeEpochs: which weights a fine-tuned network starts from, and which learn. */
class PretrainedTest {

    @TempDir
    static Path temp;
    static Path pretrained;
    static ComputationGraph source;

    @BeforeAll
    static void trainTheSource() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("source"));
        TrainRequest train = new TrainRequest(TrainingFixtures.context(TrainingFixtures.SHAPES.prepared(), null, dir), TrainingFixtures.lenet5(1, Optimizer.ADAM, 0.003, null), "source-fp");
        new Trainer(Console.silent()).train(train, TrainingFixtures.SHAPES, null);
        pretrained = train.modelFile();
        source = ModelFile.readGraph(pretrained, false);
    }

    @Test
    void everyLayerButTheClassifierTakesThePretrainedWeights() throws Exception {
        ComputationGraph graph = graph(TrainingConfig.builder().network("lenet5").epochs(1).build(), 5);

        Pretrained.Loaded loaded = Pretrained.load(graph, pretrained);

        assertEquals("output", loaded.classifier().replaceAll("\\d", ""));
        assertEquals("lenet5, fingerprint source-fp, trained on 10 classes", loaded.source());
        int compared = 0;
        for (Layer layer : graph.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0 || name.equals(loaded.classifier())) {
                continue;
            }
            assertEquals(source.getLayer(name).params(), layer.params(), name);
            compared++;
        }
        assertEquals(compared, loaded.layers());
        assertTrue(compared >= 4, "conv, batch norm and dense layers: " + compared);
        assertEquals(5, graph.getLayer(loaded.classifier()).getParam("W").size(1), "the classifier is sized for 5 classes");
        assertEquals(10, source.getLayer(loaded.classifier()).getParam("W").size(1));
    }

    @Test
    void aDifferentNetworkIsRefusedNamingTheFirstLayerThatDiffers() throws Exception {
        ComputationGraph graph = graph(TrainingConfig.builder().network("lenet5").kernelSize(5).epochs(1).build(), 10);
        CnnException e = assertThrows(CnnException.class, () -> Pretrained.load(graph, pretrained));
        assertTrue(e.getMessage().startsWith("Layer conv1 differs from the pretrained model's (" + pretrained + "): its W is"
                + " [6, 3, 5, 5] here but [6, 3, 3, 3] there."), e.getMessage());
    }

    /** Frozen epochs change the classifier only; the epochs after them change everything. */
    @Test
    void frozenEpochsTrainOnlyTheClassifier() throws Exception {
        List<String> log = new ArrayList<>();
        ComputationGraph oneFrozen = fineTune("frozen", 1, 1, log);
        ComputationGraph thenAll = fineTune("thawed", 2, 1, new ArrayList<>());
        String classifier = Pretrained.classifier(oneFrozen);
        assertBackboneIsPretrained(oneFrozen, classifier);
        assertNotEquals(source.getLayer("conv1").params(), thenAll.getLayer("conv1").params(), "conv1 learns once thawed");
        assertNotEquals(source.getLayer(classifier).params(), oneFrozen.getLayer(classifier).params(), "the classifier learns");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Fine-tuning from " + pretrained + " (cnn.pretrained: lenet5,"
                + " fingerprint source-fp, trained on 10 classes): the weights of ")), log.toString());
        assertTrue(log.contains("Epochs 1-1 train only the classifier " + classifier + " (cnn.freezeEpochs: every other layer"
                + " keeps its pretrained weights); then every layer trains"), log.toString());
    }

    /** cnn.gpus=2: every worker's replica keeps the pretrained backbone, so their average does too. */
    @Test
    void frozenEpochsHoldWithDataParallelWorkers() throws Exception {
        List<String> log = new ArrayList<>();
        ComputationGraph frozen = fineTune("frozen-parallel", 1, 1, log, 2);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Data-parallel training on 2 CPU workers")), log.toString());
        String classifier = Pretrained.classifier(frozen);
        assertBackboneIsPretrained(frozen, classifier);
        assertNotEquals(source.getLayer(classifier).params(), frozen.getLayer(classifier).params(), "the classifier learns");
    }

    /** Every layer with parameters but the classifier holds the source's weights. */
    private static void assertBackboneIsPretrained(ComputationGraph graph, String classifier) {
        for (Layer layer : graph.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0 || name.equals(classifier)) {
                continue;
            }
            assertEquals(source.getLayer(name).params(), layer.params(), name + " kept its pretrained weights while frozen");
        }
    }

    private static ComputationGraph fineTune(String name, int epochs, int freezeEpochs, List<String> log) throws Exception {
        return fineTune(name, epochs, freezeEpochs, log, null);
    }

    private static ComputationGraph fineTune(String name, int epochs, int freezeEpochs, List<String> log, Integer gpus)
            throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        TrainingConfig config = TrainingFixtures.lenet5(epochs, Optimizer.ADAM, 0.003, null).toBuilder()
                .freezeEpochs(freezeEpochs).validationSplit(0).augment(List.of()).build();
        TrainRequest request = new TrainRequest(new ForkContext(TrainingFixtures.SHAPES.prepared(), null, dir, false, false, 2, gpus, pretrained), config, "fine-" + name);
        new Trainer(Console.of(log::add, log::add)).train(request, TrainingFixtures.SHAPES, null);
        return ModelFile.readGraph(request.modelFile(), false);
    }

    private static ComputationGraph graph(TrainingConfig config, int classes) throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, new InputShape(3, 32, 32, classes), 1)
                .configuration());
        graph.init();
        return graph;
    }
}
