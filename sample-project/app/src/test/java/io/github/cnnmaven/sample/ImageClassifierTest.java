package io.github.cnnmaven.sample;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The application's own test, with the model from the classifier module: twenty Fashion-MNIST test
 * images (two per class, from its test set; Fashion-MNIST is MIT-licensed) in src/test/resources.
 */
class ImageClassifierTest {

    @Test
    void classifiesFashionMnistImages() throws Exception {
        List<String[]> labelled;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/fashion-mnist/labels.csv"), StandardCharsets.UTF_8))) {
            labelled = in.lines().skip(1).map(line -> line.split(",", 2)).toList();
        }
        try (ImageClassifier classifier = new ImageClassifier()) {
            assumeTrue(classifier.classes().contains("Ankle boot"), "the model was trained on " + classifier.classes()
                    + ", not Fashion-MNIST (run the fashion-mnist-local profile)");
            int correct = 0;
            for (String[] image : labelled) {
                String predicted = classifier.classify(ImageIO.read(getClass().getResource("/fashion-mnist/" + image[0])));
                System.out.println(image[0] + ": " + predicted + " (labelled " + image[1] + ")");
                correct += predicted.equals(image[1]) ? 1 : 0;
            }
            System.out.println(correct + " of " + labelled.size() + " right");
            assertTrue(correct >= 15, correct + " of " + labelled.size() + " right; the build gates the model at 0.91 test accuracy");
        }
    }
}
