package it.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.sample.ImageClassifier;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageClassifierTest {

    @Test
    void classifiesTheTestImagesAtTheAccuracyTheBuildMeasured() throws Exception {
        Path testImages = Path.of(System.getProperty("testImages"));
        JsonNode evaluation = new ObjectMapper().readTree(new File(System.getProperty("evaluation")));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(testImages)) {
            files = walk.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        int correct = 0;
        try (ImageClassifier classifier = new ImageClassifier()) {
            assertEquals(10, classifier.classes().size());
            for (Path file : files) {
                String truth = file.getParent().getFileName().toString();
                correct += classifier.classify(ImageIO.read(file.toFile())).equals(truth) ? 1 : 0;
            }
        }
        double accuracy = (double) correct / files.size();
        System.out.println("ONNX Runtime: " + correct + " of " + files.size() + " test images right, accuracy " + accuracy
                + "; evaluation.json: " + evaluation.get("accuracy").asDouble());
        assertEquals(evaluation.get("testSet").get("count").asInt(), files.size());
        assertEquals(evaluation.get("accuracy").asDouble(), accuracy, 1e-9);
    }
}
