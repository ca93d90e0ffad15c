package io.github.cnnmaven.prediction;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetFormatException;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.format.ImageFolderReader;
import io.github.cnnmaven.evaluation.Evaluator;
import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.ChannelNormalizer;
import io.github.cnnmaven.training.Framing;
import io.github.cnnmaven.training.ImageBatches;
import io.github.cnnmaven.training.ModelFile;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Classifies image files with a trained model: each is decoded and resized as folder datasets are
 * when training, normalised with the model's own statistics, and run through the inference graph.
 * A file that cannot be decoded is named in a warning and left out; the others are still classified.
 */
public final class Predictor {

    /** Console lines are capped: the CSV has every image. */
    static final int PRINTED = 100;
    private static final int TOP = 3;
    private static final int BATCH = 64;

    private final Console console;

    public Predictor(Console console) {
        this.console = console;
    }

    /** One classified image: its path (relative to the folder given) and its best classes. */
    public record Prediction(String file, List<EvaluationResult.Prediction> top) {
    }

    public List<Prediction> predict(PredictRequest request) throws CnnException {
        try {
            ModelMetadata metadata = ModelMetadata.read(request.modelFile());
            if (metadata == null) {
                throw new CnnException(request.modelFile() + " has no cnn/metadata.json: it was not written by the train goal");
            }
            List<Path> files = imageFiles(request.images());
            // decoded as the training images were: at cnn.resizeTo when the input is their centre
            int side = metadata.resizeTo() > 0 ? metadata.resizeTo() : metadata.height();
            int imageBytes = metadata.channels() * side * side;
            List<String> names = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            byte[] pixels = new byte[files.size() * imageBytes];
            for (Path file : files) {
                try {
                    ImageFolderReader.decode(file, metadata.channels(), side, side, pixels,
                            names.size() * imageBytes);
                    names.add(displayName(request.images(), file));
                } catch (DatasetFormatException e) {
                    console.warn("Skipped " + file + ": " + e.getMessage());
                    unreadable.add(file.toString());
                }
            }
            if (names.isEmpty()) {
                throw new CnnException("No image in " + request.images() + " could be classified: " + (files.isEmpty()
                        ? "it holds no .png, .jpg or .jpeg file" : files.size() + " unreadable (named above)"));
            }
            ImageSet images = new ImageSet(metadata.channels(), side, side,
                    java.util.Arrays.copyOf(pixels, names.size() * imageBytes), new int[names.size()], metadata.classes());
            List<Prediction> predictions = classify(request.modelFile(), metadata, images, names);
            writeCsv(request.predictionsFile(), predictions);
            for (int i = 0; i < Math.min(PRINTED, predictions.size()); i++) {
                console.info(line(predictions.get(i)));
            }
            if (predictions.size() > PRINTED) {
                console.info("... and " + (predictions.size() - PRINTED) + " more");
            }
            console.info("Classified " + predictions.size() + " image(s) with " + metadata.network() + " (" + metadata.height() + "x"
                    + metadata.width() + "x" + metadata.channels() + ")" + (unreadable.isEmpty() ? "" : "; skipped "
                    + unreadable.size() + " unreadable: " + String.join(", ", unreadable)) + ". Wrote " + request.predictionsFile());
            return predictions;
        } catch (IOException e) {
            throw new CnnException("Cannot classify " + request.images() + ": " + e.getMessage(), e);
        }
    }

    private static List<Prediction> classify(Path modelFile, ModelMetadata metadata, ImageSet images, List<String> names)
            throws IOException {
        InferenceGraph.Folded graph = InferenceGraph.fold(ModelFile.readGraph(modelFile, false));
        ImageBatches batches = new ImageBatches(images, IntStream.range(0, images.size()).toArray(), BATCH,
                ChannelNormalizer.of(metadata), null, 0, 0, Framing.forEvaluation(images.height(), metadata.height()));
        List<Prediction> predictions = new ArrayList<>();
        while (batches.hasNext()) {
            INDArray output = graph.output(batches.next().getFeatures());
            for (int r = 0; r < output.rows(); r++) {
                predictions.add(new Prediction(names.get(predictions.size()),
                        Evaluator.top(output.getRow(r).toDoubleVector(), metadata.classes(), TOP)));
            }
        }
        return predictions;
    }

    /** The file, or the folder's PNG and JPEG files (sub-folders included) in path order. */
    static List<Path> imageFiles(Path images) throws IOException {
        if (Files.isRegularFile(images)) {
            return List.of(images);
        }
        try (Stream<Path> walk = Files.walk(images)) {
            return walk.filter(ImageFolderReader::isImage).sorted().toList();
        }
    }

    private static String displayName(Path images, Path file) {
        return Files.isDirectory(images) ? images.relativize(file).toString().replace('\\', '/') : file.getFileName().toString();
    }

    static String line(Prediction p) {
        StringBuilder s = new StringBuilder(p.file()).append(':');
        for (EvaluationResult.Prediction top : p.top()) {
            s.append(String.format(Locale.ROOT, " %s %.3f,", top.label(), top.probability()));
        }
        return s.substring(0, s.length() - 1);
    }

    /** {@code file,top1,probability1,...}: quoted where a name holds a comma or quote (RFC 4180, by Jackson). */
    static void writeCsv(Path target, List<Prediction> predictions) throws IOException {
        int n = predictions.get(0).top().size();
        CsvSchema.Builder schema = CsvSchema.builder().addColumn("file");
        for (int k = 1; k <= n; k++) {
            schema.addColumn("top" + k).addColumn("probability" + k);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Prediction p : predictions) {
            List<String> row = new ArrayList<>(List.of(p.file()));
            for (EvaluationResult.Prediction top : p.top()) {
                row.add(top.label());
                row.add(String.format(Locale.ROOT, "%.6f", top.probability()));
            }
            rows.add(row);
        }
        CsvMapper csv = new CsvMapper();
        AtomicFiles.write(target, tmp -> {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                csv.writer(schema.build().withHeader()).writeValues(out).writeAll(rows).close();
            }
        });
    }
}
