package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Optimizer;

import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    @TempDir
    Path temp;
    final List<String> log = new ArrayList<>();

    static final LoadedDataset SHAPES = TrainingFixtures.SHAPES;

    static TrainingConfig config(int epochs, Optimizer optimizer, double lr, Integer overfit) {
        return TrainingFixtures.lenet5(epochs, optimizer, lr, overfit);
    }

    TrainRequest request(TrainingConfig config, String dir) {
        return new TrainRequest(TrainingFixtures.context(SHAPES.prepared(), null, temp.resolve(dir)), config, "fp-" + config.hashCode());
    }

    Trainer trainer() {
        return new Trainer(Console.of(log::add, log::add));
    }

    @Test
    void learnsTheShapesAndWritesModelHistoryAndCheckpoints() throws Exception {
        TrainRequest request = request(config(4, Optimizer.ADAM, 0.003, null), "out");
        Trainer.Result result = trainer().train(request, SHAPES, null);
        assertTrue(result.finished());
        assertEquals(4, result.history().size());
        EpochRecord lastEpoch = result.history().get(3);
        assertTrue(lastEpoch.trainLoss() < result.history().get(0).trainLoss(), "the loss falls: " + result.history());
        assertTrue(lastEpoch.validationAccuracy() > 0.3, "well above chance (0.1) after 4 short epochs: " + result.history());
        assertTrue(Files.isRegularFile(request.modelFile()));
        assertTrue(Files.isRegularFile(request.checkpointDirectory().resolve("last.zip")));
        String history = Files.readString(request.historyFile());
        for (String key : List.of("epoch", "trainLoss", "trainAccuracy", "validationLoss", "validationAccuracy",
                "learningRate", "seconds", "imagesPerSecond")) {
            assertTrue(history.contains("\"" + key + "\""), key);
        }
        ModelMetadata metadata = ModelMetadata.read(request.modelFile());
        assertEquals(request.fingerprint(), metadata.fingerprint());
        assertEquals(SyntheticDatasets.CLASSES, metadata.classes());
        assertEquals(3, metadata.mean().length);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Epoch 4/4  train loss")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("total: ") && l.contains("parameters")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Backend: ")), log.toString());
    }

    @Test
    void sameSeedSameHistoryAndResumeContinuesWhereItStopped() throws Exception {
        TrainingConfig config = config(3, Optimizer.NESTEROV, 0.01, null);
        Trainer.Result whole = trainer().train(request(config, "whole"), SHAPES, null);

        TrainRequest interrupted = request(config, "resumed");
        Trainer.Result first = trainer().train(interrupted, SHAPES, r -> r.epoch() < 2);
        assertFalse(first.finished());
        assertFalse(Files.exists(interrupted.modelFile()), "no model until training completes");
        log.clear();
        Trainer.Result rest = trainer().train(interrupted, SHAPES, null);
        assertTrue(log.contains("Resuming from the checkpoint after epoch 2 of 3 ("
                + interrupted.checkpointDirectory().resolve("last.zip") + ")"), log.toString());
        assertEquals(3, rest.history().size());
        for (int i = 0; i < 3; i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = rest.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-4, "epoch " + (i + 1));
            assertEquals(a.validationAccuracy(), b.validationAccuracy(), 1e-4, "epoch " + (i + 1));
        }
    }

    /** cnn.ema and cnn.swa: a run killed mid-average and resumed keeps the same average as one that was not. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ema", "swa"})
    void weightAveragingResumesMidAverageAsIfUninterrupted(String averaging) throws Exception {
        TrainingConfig.Builder builder = config(3, Optimizer.ADAM, 0.003, null).toBuilder();
        TrainingConfig config = (averaging.equals("ema") ? builder.ema(0.99) : builder.swa(2)).build();
        TrainRequest whole = request(config, "whole");
        Trainer.Result uninterrupted = trainer().train(whole, SHAPES, null);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Weight averaging (cnn." + averaging + ")")), log.toString());

        TrainRequest interrupted = request(config, "resumed");
        trainer().train(interrupted, SHAPES, r -> r.epoch() < 2); // swa: epoch 2 of the last two is averaged
        Trainer.Result rest = trainer().train(interrupted, SHAPES, null);
        for (int i = 0; i < 3; i++) {
            assertEquals(uninterrupted.history().get(i).validationAccuracy(), rest.history().get(i).validationAccuracy(), 1e-6,
                    "epoch " + (i + 1));
            assertEquals(uninterrupted.history().get(i).validationLoss(), rest.history().get(i).validationLoss(), 1e-5,
                    "epoch " + (i + 1));
        }
        INDArray kept = ModelFile.readGraph(whole.modelFile(), false).params();
        INDArray resumedKept = ModelFile.readGraph(interrupted.modelFile(), false).params();
        assertEquals(0, kept.sub(resumedKept).amaxNumber().doubleValue(), 1e-5, "the same averaged weights");
        INDArray trained = ModelFile.readGraph(whole.checkpointDirectory().resolve("last.zip"), false).params();
        assertTrue(kept.sub(trained).amaxNumber().doubleValue() > 1e-4,
                "model.zip holds the average, the checkpoint the weights that train");
    }

    @Test
    void changedConfigurationStartsFreshAndSaysWhy() throws Exception {
        TrainRequest first = request(config(2, Optimizer.ADAM, 0.003, null), "out");
        trainer().train(first, SHAPES, r -> false);
        TrainRequest changed = request(config(2, Optimizer.ADAM, 0.001, null), "out");
        log.clear();
        trainer().train(changed, SHAPES, null);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Starting fresh: the configuration or data changed")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Epoch 1/2")), "trained from epoch 1 again");
    }

    @Test
    void earlyStoppingStopsWhenValidationStallsAndKeepsTheBestEpoch() throws Exception {
        // A learning rate too small to change anything: validation accuracy cannot improve after epoch 1.
        TrainingConfig stalled = TrainingConfig.builder().network("lenet5").epochs(6).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.SGD).learningRate(1e-12).momentum(0).weightDecay(0).earlyStopping(1).build();
        TrainRequest request = request(stalled, "out");
        Trainer.Result result = trainer().train(request, SHAPES, null);
        assertEquals(2, result.history().size(), "epoch 1 is best; epoch 2 exhausts a patience of 1 (before the"
                + " chance guard judges epoch 3)");
        assertTrue(result.stopReason().startsWith("early stopping"), result.stopReason());
        assertEquals(1, ModelMetadata.read(request.modelFile()).epoch(), "the best epoch's model is kept");
        assertTrue(Files.readString(request.historyFile()).contains("\"stopReason\" : \"early stopping"));
    }

    /** A run stuck at chance for three epochs fails and writes no model (ChanceGuard), even with a finite loss. */
    @Test
    void aRunAtChanceFailsAndWritesNoModel() {
        TrainingConfig stalled = TrainingConfig.builder().network("lenet5").epochs(6).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.SGD).learningRate(1e-12).momentum(0).weightDecay(0).build();
        TrainRequest request = request(stalled, "out");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer().train(request, SHAPES, null));
        assertTrue(e.getMessage().startsWith("Training is not learning: the validation accuracy of epochs 1-3 ("), e.getMessage());
        assertFalse(Files.exists(request.modelFile()), "no model that looks normal");
    }

    @Test
    void divergenceFailsNamingTheLearningRateAndWritesNoModel() {
        TrainRequest request = request(config(2, Optimizer.SGD, 1e6, null), "out");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer().train(request, SHAPES, null));
        assertTrue(e.getMessage().contains("cnn.learningRate=1000000.0"), e.getMessage());
        assertTrue(e.getMessage().contains("find-lr"), e.getMessage());
        assertFalse(Files.exists(request.modelFile()));
    }

    @Test
    void overfitCheckDrivesTheTrainingLossToZero() throws Exception {
        TrainRequest request = request(config(30, Optimizer.ADAM, 0.003, 20), "out");
        Trainer.Result result = trainer().train(request, SHAPES, null);
        assertEquals(1.0, result.history().get(result.history().size() - 1).trainAccuracy(), 1e-9);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Sanity check passed")), log.toString());
        assertFalse(Files.exists(request.modelFile()), "the sanity check never replaces the real model");
        // no validation split: the epoch lines leave the validation out rather than print NaN
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Epoch 30/30  train loss ") && l.contains("  lr ")), log.toString());
        assertTrue(log.stream().filter(l -> l.startsWith("Epoch ")).noneMatch(l -> l.contains("val") || l.contains("NaN")),
                log.toString());
    }

    @Test
    void overfitCheckThatCannotFitFails() {
        TrainRequest request = request(config(1, Optimizer.SGD, 1e-7, 20), "out");
        CnnException e = assertThrows(CnnException.class, () -> trainer().train(request, SHAPES, null));
        assertTrue(e.getMessage().startsWith("Sanity check failed"), e.getMessage());
    }

    /** Adam rarely reaches NaN at too high a rate: its loss climbs while accuracy stays at chance. */
    @Test
    void divergenceWithAdamIsCaughtAndWritesNoModel() {
        TrainRequest request = request(config(3, Optimizer.ADAM, 100, null), "out");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer().train(request, SHAPES, null));
        assertTrue(e.getMessage().contains("the smoothed loss is"), "caught by the smoothed loss, not a NaN: " + e.getMessage());
        assertTrue(e.getMessage().contains("cnn.learningRate=100.0"), e.getMessage());
        assertTrue(e.getMessage().contains("find-lr"), e.getMessage());
        assertFalse(Files.exists(request.modelFile()));
    }

    @Test
    void aDamagedCheckpointIsSetAsideAndTrainingStartsFresh() throws Exception {
        TrainingConfig config = config(2, Optimizer.ADAM, 0.003, null);
        TrainRequest request = request(config, "out");
        trainer().train(request, SHAPES, r -> false); // stopped after epoch 1, as a kill would
        Path last = request.checkpointDirectory().resolve("last.zip");
        byte[] bytes = Files.readAllBytes(last);
        for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(last, bytes);
        log.clear();
        Trainer.Result result = trainer().train(request, SHAPES, null);
        assertTrue(result.finished());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("The checkpoint " + last + " is damaged")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Epoch 1/2")), "trained from epoch 1 again: " + log);
        assertTrue(Files.exists(request.context().outputDirectory().resolve("last.zip.damaged")), "kept for inspection");
        assertTrue(Files.isRegularFile(request.modelFile()));
    }

    @Test
    void aBatchLargerThanTheTrainingSetIsOneBatchAndSaysSo() throws Exception {
        TrainingConfig config = config(1, Optimizer.ADAM, 0.003, null).toBuilder().batchSize(100_000).build();
        Trainer.Result result = trainer().train(request(config, "out"), SHAPES, null);
        assertTrue(result.finished());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("cnn.batchSize 100000 is larger than the training set (320 images)")),
                log.toString());
    }

    /** The training loss is the data loss, as the validation loss is: a large weight decay does not inflate it. */
    @Test
    void theTrainingLossIsTheDataLossComparableWithTheValidationLoss() throws Exception {
        TrainingConfig heavyDecay = config(2, Optimizer.ADAM, 0.003, null).toBuilder().weightDecay(0.05).build();
        Trainer.Result result = trainer().train(request(heavyDecay, "out"), SHAPES, null);
        for (EpochRecord e : result.history()) {
            assertTrue(e.trainLoss() < e.validationLoss() + 1.0, "the penalty (about 6 here) is not in the training loss: "
                    + result.history());
            assertTrue(e.trainLoss() > 0 && e.trainLoss() < Math.log(10) + 0.5, "a cross-entropy of 10 classes: " + e);
        }
    }

    /**
     * Each step's reported loss is exactly the batch's mean cross-entropy under the parameters it was
     * scored with, and nothing else: with a heavy weight decay, a penalty taken some steps earlier (as
     * before) is larger than the scored one and drove the loss below zero.
     */
    @Test
    void eachStepsLossIsTheMeanCrossEntropyOfItsBatch() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new Adam(0.05)).regularization(List.of(new WeightDecay(0.5, true)))
                .graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(8).nOut(16).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build());
        graph.init();
        Random random = new Random(5);
        for (int step = 0; step < 30; step++) {
            float[][] x = new float[16][8];
            float[][] y = new float[16][3];
            for (int i = 0; i < 16; i++) {
                int label = random.nextInt(3);
                for (int j = 0; j < 8; j++) {
                    x[i][j] = (float) (random.nextGaussian() * 0.3 + (j % 3 == label ? 1 : 0));
                }
                y[i][label] = 1;
            }
            DataSet batch = new DataSet(Nd4j.create(x), Nd4j.create(y));
            INDArray p = graph.outputSingle(false, batch.getFeatures()); // no dropout, no batch norm: as fit scores it
            double crossEntropy = -Transforms.log(p.mul(batch.getLabels()).sum(1), false).meanNumber().doubleValue();
            double loss = Trainer.fitBatch(graph, batch);
            assertEquals(crossEntropy, loss, 1e-4, "step " + step);
            assertTrue(loss > 0, "a cross-entropy is never below zero: step " + step + ", " + loss);
        }
        assertTrue(graph.calcRegularizationScore(true) > 0.01, "the penalty left out is not negligible here");
    }

    /** Images stored at 40 px with a 32 px input: resizecrop trains on random crops, validation and evaluation take the centre. */
    @Test
    void resizeCropTrainsOnCropsOfLargerStoredImagesAndEvaluatesTheirCentre() throws Exception {
        LoadedDataset stored40 = new LoadedDataset(SHAPES.prepared(), SyntheticDatasets.generate(40, 40, 3, 1),
                SyntheticDatasets.generate(5, 40, 3, 2), 32);
        TrainingConfig config = config(4, Optimizer.ADAM, 0.003, null).toBuilder()
                .augment(io.github.cnnmaven.config.Augment.parseList("resizecrop,flip")).build();
        TrainRequest request = request(config, "crops");
        Trainer.Result result = trainer().train(request, stored40, null);
        assertTrue(result.finished());
        EpochRecord last = result.history().get(3);
        assertTrue(last.trainLoss() < result.history().get(0).trainLoss() && last.validationAccuracy() > 0.25,
                "learns from the crops (chance is 0.1): " + result.history());
        ModelMetadata metadata = ModelMetadata.read(request.modelFile());
        assertEquals(32, metadata.height(), "the network's input is the crop");
        assertEquals(40, metadata.resizeTo(), "evaluation and predict resize to 40 and take the centre");
        io.github.cnnmaven.output.EvaluationResult evaluation = new io.github.cnnmaven.evaluation.Evaluator(
                Console.of(log::add, log::add)).evaluate(new io.github.cnnmaven.evaluation.EvaluateRequest(
                TrainingFixtures.context(stored40.prepared(), null, temp.resolve("eval")), request.modelFile(), 0), stored40);
        assertTrue(evaluation.accuracy() > 0.25, "the centre crops of the test set are classified: " + evaluation.accuracy());
    }
}
