package io.github.cnnmaven.evaluation;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.Tta;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.training.ChannelNormalizer;
import io.github.cnnmaven.training.Framing;
import io.github.cnnmaven.training.ImageBatches;
import io.github.cnnmaven.training.ModelFile;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.ModelMetadata;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Reverse;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Measures a trained model once on the held-out test set with DL4J's {@link Evaluation}: accuracy,
 * top-5, per-class precision/recall/F1, the confusion matrix, and the misclassified examples with
 * PNG thumbnails for the report.
 */
public final class Evaluator {

    private final Console console;

    public Evaluator(Console console) {
        this.console = console;
    }

    public EvaluationResult evaluate(EvaluateRequest request, LoadedDataset data) throws CnnException {
        try {
            ModelMetadata metadata = ModelMetadata.read(request.modelFile());
            if (metadata == null) {
                throw new CnnException(request.modelFile() + " has no cnn/metadata.json: it was not written by the train goal");
            }
            ImageSet test = data.test();
            if (!metadata.classes().equals(test.classNames()) || metadata.channels() != test.channels()
                    || metadata.height() != data.inputSide() || metadata.width() != data.inputSide()) {
                throw new CnnException(request.modelFile() + " was trained on " + metadata.classes().size() + " classes of "
                        + metadata.height() + "x" + metadata.width() + "x" + metadata.channels() + " images, but the test set has "
                        + test.numClasses() + " classes of " + test.shape() + ": retrain (mvn cnn:train) for this dataset");
            }
            // Batch norm folded into the convolutions: the same predictions, one pass less per layer.
            InferenceGraph.Folded folded = InferenceGraph.fold(ModelFile.readGraph(request.modelFile(), false));
            if (folded.batchNorms() > 0) {
                console.info("Inference graph: " + folded.batchNorms() + " batch-norm layer(s) folded into the preceding convolution");
            }
            if (folded.residualRelus() > 0) {
                console.info("Inference graph: " + folded.residualRelus() + " residual addition(s) computed with the ReLU after them");
            }
            if (folded.channelsLast()) {
                console.info("Inference graph: channels-last (NHWC), for oneDNN's direct convolution kernels");
            }
            if (folded.layers().convolutions() > 0) {
                console.info("Inference graph: " + folded.layers().describe());
            }
            int k = test.numClasses();
            Evaluation evaluation = k > 5 ? new Evaluation(test.classNames(), 5) : new Evaluation(test.classNames());
            int[] all = IntStream.range(0, test.size()).toArray();
            // the deterministic path: the centre of images stored larger than the input (resizecrop)
            ImageBatches batches = new ImageBatches(test, all, 256, ChannelNormalizer.of(metadata), null, 0, 0,
                    Framing.forEvaluation(test.height(), metadata.height()));
            List<EvaluationResult.Misclassified> wrong = new ArrayList<>();
            Path thumbnails = request.context().outputDirectory().resolve("misclassified");
            AtomicFiles.deleteRecursively(thumbnails);
            Files.createDirectories(thumbnails);
            int offset = 0;
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                INDArray output = folded.output(batch.getFeatures());
                if (request.tta() == Tta.FLIP) {
                    // the mean of the probabilities of each image and its mirror (width is NCHW's last axis)
                    INDArray mirrored = Nd4j.exec(new Reverse(batch.getFeatures(), 3))[0];
                    output = output.add(folded.output(mirrored)).muli(0.5);
                }
                evaluation.eval(batch.getLabels(), output);
                for (int r = 0; r < output.rows(); r++) {
                    int index = offset + r;
                    int truth = test.label(index);
                    double[] p = output.getRow(r).toDoubleVector();
                    int predicted = argmax(p);
                    if (predicted != truth) {
                        wrong.add(new EvaluationResult.Misclassified(index, test.classNames().get(truth),
                                test.classNames().get(predicted), p[predicted], null, top(p, test.classNames(), 3)));
                    }
                }
                offset += output.rows();
            }
            // The most confident mistakes first (fastai's top losses): where the model is most sure and wrong,
            // a label error or a real confusion is likeliest. They get the thumbnails.
            wrong.sort(Comparator.comparingDouble(EvaluationResult.Misclassified::confidence).reversed()
                    .thenComparingInt(EvaluationResult.Misclassified::index));
            for (int i = 0; i < Math.min(request.maxThumbnails(), wrong.size()); i++) {
                EvaluationResult.Misclassified w = wrong.get(i);
                String image = "misclassified/" + w.index() + ".png";
                ImageIO.write(thumbnail(test, w.index()), "png", request.context().outputDirectory().resolve(image).toFile());
                wrong.set(i, new EvaluationResult.Misclassified(w.index(), w.label(), w.predicted(), w.confidence(), image,
                        w.top()));
            }
            List<EvaluationResult.ClassMetrics> perClass = new ArrayList<>();
            long[][] confusion = new long[k][k];
            for (int t = 0; t < k; t++) {
                long support = 0;
                for (int p = 0; p < k; p++) {
                    confusion[t][p] = evaluation.getConfusionMatrix().getCount(t, p);
                    support += confusion[t][p];
                }
                double recall = support == 0 ? 0 : (double) confusion[t][t] / support;
                perClass.add(new EvaluationResult.ClassMetrics(test.classNames().get(t), evaluation.precision(t), recall,
                        evaluation.f1(t), recall, support));
            }
            EvaluationResult result = new EvaluationResult(evaluation.accuracy(), k > 5 ? evaluation.topNAccuracy() : null,
                    perClass, test.classNames(), confusion, wrong,
                    new EvaluationResult.TestSet(data.prepared().kind().id(), data.prepared().identity(), test.size(),
                            request.tta() == Tta.NONE ? null : request.tta().id()),
                    metadata.fingerprint(), null, null);
            console.info(String.format(Locale.ROOT, "Test accuracy %.4f%s on %d images (%d misclassified)%s", result.accuracy(),
                    result.top5Accuracy() == null ? "" : String.format(Locale.ROOT, ", top-5 %.4f", result.top5Accuracy()),
                    test.size(), wrong.size(), request.tta() == Tta.NONE ? "" : ", with test-time augmentation: "
                            + request.tta().id()));
            return result;
        } catch (IOException e) {
            throw new CnnException("Evaluation failed: " + e.getMessage(), e);
        }
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The {@code n} most probable classes, most probable first. */
    public static List<EvaluationResult.Prediction> top(double[] p, List<String> names, int n) {
        return IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble(i -> -p[i])).limit(n)
                .map(i -> new EvaluationResult.Prediction(names.get(i), p[i])).toList();
    }

    /** One image of the set as an RGB picture (grey repeated in the three channels). */
    public static BufferedImage thumbnail(ImageSet set, int index) {
        BufferedImage image = new BufferedImage(set.width(), set.height(), BufferedImage.TYPE_INT_RGB);
        byte[] px = set.chunk(index); // once: a set too large for the heap decodes the image on each call
        int start = set.offset(index);
        int plane = set.width() * set.height();
        int greenOrGrey = set.channels() == 3 ? plane : 0;
        for (int y = 0; y < set.height(); y++) {
            for (int x = 0; x < set.width(); x++) {
                int p = start + y * set.width() + x;
                int r = px[p] & 0xff;
                int g = px[p + greenOrGrey] & 0xff;
                int b = px[p + 2 * greenOrGrey] & 0xff;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }
}
