package io.github.cnnmaven.evaluation;

import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Tta;
import io.github.cnnmaven.output.EvaluationResult;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.training.ChannelNormalizer;
import io.github.cnnmaven.training.ImageBatches;
import io.github.cnnmaven.training.ModelFile;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {

    @TempDir
    Path temp;

    @Test
    void measuresTheTestSetOnceWithPerClassMetricsAndThumbnails() throws Exception {
        LoadedDataset data = TrainingFixtures.SHAPES;
        TrainRequest train = new TrainRequest(TrainingFixtures.context(data.prepared(), null, temp), TrainingFixtures.lenet5(3, Optimizer.ADAM, 0.003, null), "fp");
        new Trainer(Console.silent()).train(train, data, null);
        List<String> log = new ArrayList<>();
        EvaluationResult r = new Evaluator(Console.of(log::add, log::add)).evaluate(new EvaluateRequest(TrainingFixtures.context(data.prepared(), null, temp), train.modelFile(), 5), data);
        long correct = 0;
        for (int i = 0; i < 10; i++) {
            correct += r.confusionMatrix()[i][i];
        }
        assertEquals(data.test().size(), r.perClass().stream().mapToLong(EvaluationResult.ClassMetrics::support).sum());
        assertEquals((double) correct / data.test().size(), r.accuracy(), 1e-9, "accuracy is the confusion matrix's diagonal");
        assertEquals(data.test().size() - correct, r.misclassified().size());
        assertTrue(r.top5Accuracy() >= r.accuracy());
        assertEquals(Math.min(5, r.misclassified().size()), r.misclassified().stream().filter(m -> m.image() != null).count());
        r.misclassified().stream().filter(m -> m.image() != null).forEach(m -> assertTrue(Files.isRegularFile(temp.resolve(m.image()))));
        for (int i = 1; i < r.misclassified().size(); i++) {
            assertTrue(r.misclassified().get(i - 1).confidence() >= r.misclassified().get(i).confidence(),
                    "the most confident mistakes first");
        }
        if (r.misclassified().size() > 5) {
            assertTrue(r.misclassified().get(4).image() != null && r.misclassified().get(5).image() == null,
                    "the thumbnails are the most confident mistakes'");
        }
        assertEquals("fp", r.fingerprint());
        assertEquals(new EvaluationResult.TestSet("cifar10", "synthetic", 50), r.testSet());

        // Evaluated on the batch-norm-folded graph, yet exactly the saved model's own predictions.
        assertTrue(log.contains("Inference graph: 2 batch-norm layer(s) folded into the preceding convolution"), log.toString());
        ComputationGraph saved = ModelFile.readGraph(train.modelFile(), false);
        ModelMetadata metadata = ModelMetadata.read(train.modelFile());
        int[] all = IntStream.range(0, data.test().size()).toArray();
        DataSet test = new ImageBatches(data.test(), all, all.length, ChannelNormalizer.of(metadata), null, 0, 0).next();
        INDArray predicted = saved.outputSingle(false, test.getFeatures()).argMax(1);
        long savedCorrect = IntStream.range(0, all.length).filter(i -> predicted.getInt(i) == data.test().label(i)).count();
        assertEquals(savedCorrect, correct, "the unfolded model gets the same images right");
    }

    @Test
    void flipTestTimeAugmentationAveragesEachImageWithItsMirror() throws Exception {
        LoadedDataset data = TrainingFixtures.SHAPES;
        TrainRequest train = new TrainRequest(TrainingFixtures.context(data.prepared(), null, temp), TrainingFixtures.lenet5(2, Optimizer.ADAM, 0.003, null), "fp");
        new Trainer(Console.silent()).train(train, data, null);
        List<String> log = new ArrayList<>();
        EvaluationResult r = new Evaluator(Console.of(log::add, log::add)).evaluate(new EvaluateRequest(TrainingFixtures.context(data.prepared(), null, temp), train.modelFile(), 0, Tta.FLIP), data);
        assertEquals("flip", r.testSet().testTimeAugmentation());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Test accuracy") && l.endsWith(", with test-time augmentation: flip")),
                log.toString());

        // The same, computed here: mirror each image in Java and average the saved model's probabilities.
        ComputationGraph saved = ModelFile.readGraph(train.modelFile(), false);
        ImageBatches batches = new ImageBatches(data.test(), IntStream.range(0, data.test().size()).toArray(), 50,
                ChannelNormalizer.of(ModelMetadata.read(train.modelFile())), null, 0, 0);
        INDArray x = batches.next().getFeatures();
        float[] mirrored = x.dup().data().asFloat();
        int w = (int) x.size(3);
        for (int row = 0; row < mirrored.length / w; row++) {
            for (int col = 0; col < w / 2; col++) {
                float t = mirrored[row * w + col];
                mirrored[row * w + col] = mirrored[row * w + w - 1 - col];
                mirrored[row * w + w - 1 - col] = t;
            }
        }
        INDArray mean = saved.outputSingle(false, x).add(saved.outputSingle(false, Nd4j.create(mirrored, x.shape(), 'c')))
                .muli(0.5);
        long correct = 0;
        for (int i = 0; i < data.test().size(); i++) {
            correct += mean.getRow(i).argMax().getInt(0) == data.test().label(i) ? 1 : 0;
        }
        assertEquals((double) correct / data.test().size(), r.accuracy(), 1e-9);
    }

    @Test
    void modelForOtherClassesIsRefused() throws Exception {
        LoadedDataset data = TrainingFixtures.SHAPES;
        TrainRequest train = new TrainRequest(TrainingFixtures.context(data.prepared(), null, temp), TrainingFixtures.lenet5(1, Optimizer.ADAM, 0.003, null), "fp");
        new Trainer(Console.silent()).train(train, data, null);
        ImageSet grey = SyntheticDatasets.generate(2, 28, 1, 1);
        LoadedDataset mnistLike = new LoadedDataset(new PreparedDataset(DatasetKind.MNIST, temp, "x", "x"), grey, grey);
        CnnException e = assertThrows(CnnException.class, () -> new Evaluator(Console.silent())
                .evaluate(new EvaluateRequest(TrainingFixtures.context(mnistLike.prepared(), null, temp), train.modelFile(), 5), mnistLike));
        assertTrue(e.getMessage().contains("but the test set has 10 classes of 28x28x1"), e.getMessage());
    }
}
