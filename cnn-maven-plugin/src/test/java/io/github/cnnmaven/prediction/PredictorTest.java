package io.github.cnnmaven.prediction;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.evaluation.EvaluateRequest;
import io.github.cnnmaven.evaluation.Evaluator;
import io.github.cnnmaven.export.OnnxExport;
import io.github.cnnmaven.export.OnnxExporter;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code predict} and {@code model.onnx} on one model trained on the synthetic shapes: the test
 * images written as PNG files get the classes evaluation gives them, an unreadable file is named
 * and skipped, and ONNX Runtime on the exported file agrees on every test image.
 */
class PredictorTest {

    @TempDir
    static Path temp;
    static LoadedDataset data = TrainingFixtures.SHAPES;
    static Path model;
    static EvaluationResult evaluation;

    @BeforeAll
    static void train() throws Exception {
        TrainRequest train = new TrainRequest(TrainingFixtures.context(data.prepared(), null, temp), TrainingFixtures.lenet5(3, Optimizer.ADAM, 0.003, null), "fp");
        new Trainer(Console.silent()).train(train, data, null);
        model = train.modelFile();
        evaluation = new Evaluator(Console.silent()).evaluate(new EvaluateRequest(TrainingFixtures.context(data.prepared(), null, temp), model, 0), data);
    }

    @Test
    void classifiesPngFilesAsEvaluationDidAndNamesTheUnreadableOne() throws Exception {
        ImageSet test = data.test();
        Path images = temp.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        for (int i = 0; i < test.size(); i++) {
            Path file = (i % 2 == 0 ? images : images.resolve("sub")).resolve(String.format("%03d.png", i));
            ImageIO.write(Evaluator.thumbnail(test, i), "png", file.toFile());
        }
        Files.writeString(images.resolve("broken.png"), "not a PNG");
        Files.writeString(images.resolve("notes.txt"), "ignored: not an image file name");
        List<String> warnings = new ArrayList<>();
        List<String> info = new ArrayList<>();
        Path csv = temp.resolve("predictions.csv");

        List<Predictor.Prediction> predictions = new Predictor(Console.of(info::add, warnings::add))
                .predict(new PredictRequest(model, images, csv));

        assertEquals(test.size(), predictions.size(), "every readable image, and only those");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("Skipped " + images.resolve("broken.png")), warnings.get(0));
        assertTrue(info.get(info.size() - 1).contains("skipped 1 unreadable: " + images.resolve("broken.png")), info.toString());
        // The evaluation's misclassified images are exactly where predict disagrees with the label.
        List<Integer> wrong = evaluation.misclassified().stream().map(EvaluationResult.Misclassified::index).sorted().toList();
        List<Integer> predictedWrong = new ArrayList<>();
        for (Predictor.Prediction p : predictions) {
            int index = Integer.parseInt(p.file().replaceAll("\\D", ""));
            assertEquals(3, p.top().size());
            assertTrue(p.top().get(0).probability() >= p.top().get(1).probability());
            if (!p.top().get(0).label().equals(test.classNames().get(test.label(index)))) {
                predictedWrong.add(index);
            }
        }
        assertEquals(wrong, predictedWrong.stream().sorted().toList());

        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,top1,probability1,top2,probability2,top3,probability3", lines.get(0));
        assertEquals(test.size() + 1, lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("sub/001.png,")), "paths relative to the folder given");
    }

    @Test
    void aFolderWithNothingReadableFails() throws Exception {
        Path images = Files.createDirectories(temp.resolve("nothing"));
        Files.writeString(images.resolve("broken.jpg"), "not a JPEG");
        CnnException e = assertThrows(CnnException.class, () -> new Predictor(Console.silent())
                .predict(new PredictRequest(model, images, temp.resolve("none.csv"))));
        assertEquals("No image in " + images + " could be classified: 1 unreadable (named above)", e.getMessage());
        assertTrue(Files.notExists(temp.resolve("none.csv")));
    }

    /** The exported file itself, run by ONNX Runtime on raw pixels: evaluation's accuracy, image for image. */
    @Test
    void theExportedFileClassifiesTheTestSetAsEvaluationDid() throws Exception {
        Path onnx = temp.resolve("model.onnx");
        assertEquals("there is no model.onnx", OnnxExport.staleness(model, onnx));
        OnnxExport.write(model, onnx, Console.silent());
        assertNull(OnnxExport.staleness(model, onnx), "fresh from this model.zip");

        ImageSet test = data.test();
        int plane = test.channels() * test.height() * test.width();
        float[] pixels = new float[test.size() * plane];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = test.pixels()[i] & 0xff;
        }
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        float[][] probabilities;
        try (OrtSession session = ort.createSession(onnx.toString());
             OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(pixels),
                     new long[] {test.size(), test.channels(), test.height(), test.width()});
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            probabilities = (float[][]) result.get(0).getValue();
        }
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            for (int k = 1; k < probabilities[i].length; k++) {
                best = probabilities[i][k] > probabilities[i][best] ? k : best;
            }
            correct += best == test.label(i) ? 1 : 0;
        }
        assertEquals(evaluation.accuracy(), (double) correct / test.size(), 1e-9);

        // Another model.zip (retrained, or replaced by a killed build) makes the export stale; so does damage.
        Path other = temp.resolve("other.zip");
        Files.copy(model, other);
        Files.write(other, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals("model.onnx was exported from another other.zip", OnnxExport.staleness(other, onnx));
        Files.write(onnx, java.util.Arrays.copyOf(Files.readAllBytes(onnx), 100));
        assertTrue(OnnxExport.staleness(model, onnx).startsWith("model.onnx is unreadable"), OnnxExport.staleness(model, onnx));
    }
}
