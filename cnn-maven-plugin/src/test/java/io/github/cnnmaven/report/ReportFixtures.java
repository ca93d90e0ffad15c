package io.github.cnnmaven.report;

import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.testing.SyntheticDatasets;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The hand-off files of a finished run, written directly (no training), for report tests. */
final class ReportFixtures {

    private ReportFixtures() {
    }

    static void writeRun(Path dir, boolean withEvaluation, boolean withFinder) throws Exception {
        Files.createDirectories(dir.resolve("misclassified"));
        Files.writeString(dir.resolve("dataset.json"), """
                {"dataset":"cifar10","source":"http://mirror/cifar.tar.gz","identity":"abc","classes":["square","disc"],
                 "inputShape":[3,32,32],"trainCount":2000,"testCount":500,
                 "files":[{"name":"cifar-10-binary.tar.gz","checksum":"SHA-256:c4a3","size":170052171}]}""");
        Files.writeString(dir.resolve("run.json"), """
                {"fingerprint":"f00d","configuration":{"network":"lenet5","epochs":3,"optimizer":"adam","learningRate":0.003,
                 "augment":["flip"],"layers":null},
                 "model":{"network":"lenet5","parameters":135150,"multiplyAddsPerImage":520872,"flopsPerImage":1041744,
                 "layers":[{"name":"conv1","type":"ConvolutionLayer","outputShape":"32x32x6","parameters":168,"multiplyAdds":165888}]},
                 "backend":"CPU","device":"OPENBLAS on 2 cores","threads":2,"epochsRun":3,"trainingSeconds":21.5}""");
        Files.writeString(dir.resolve("history.json"), """
                {"fingerprint":"f00d","epochs":[
                 {"epoch":1,"trainLoss":2.1,"trainAccuracy":0.55,"validationLoss":1.3,"validationAccuracy":0.55,"learningRate":0.003,"seconds":7,"imagesPerSecond":300},
                 {"epoch":2,"trainLoss":0.9,"trainAccuracy":0.82,"validationLoss":0.65,"validationAccuracy":0.79,"learningRate":0.003,"seconds":7,"imagesPerSecond":310},
                 {"epoch":3,"trainLoss":0.5,"trainAccuracy":0.88,"validationLoss":0.40,"validationAccuracy":0.84,"learningRate":0.003,"seconds":7,"imagesPerSecond":320}],
                 "bestEpoch":3,"bestValidationAccuracy":0.84,"stopReason":null}""");
        if (withFinder) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                double lr = 1e-7 * Math.pow(10, i * 8.0 / 49);
                double loss = 2.3 - Math.min(1.5, Math.max(0, Math.log10(lr) + 5) * 0.5) + (i > 44 ? (i - 44) : 0);
                points.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"lr\":%g,\"loss\":%g,\"smoothedLoss\":%g}", lr, loss, loss));
            }
            Files.writeString(dir.resolve("lr-finder.json"), "{\"suggestion\":0.003,\"method\":\"valley\",\"points\":[" + points + "]}");
        }
        if (withEvaluation) {
            List<EvaluationResult.Misclassified> wrong = new ArrayList<>();
            Random random = new Random(1);
            for (int i = 0; i < 3; i++) {
                String image = "misclassified/" + i + ".png";
                ImageIO.write(SyntheticDatasets.draw(i % 2, 32, random), "png", dir.resolve(image).toFile());
                wrong.add(new EvaluationResult.Misclassified(i, "square", "disc", 0.6, image,
                        List.of(new EvaluationResult.Prediction("disc", 0.6))));
            }
            EvaluationResult.Gate gate = new EvaluationResult.Gate(false, List.of(
                    new EvaluationResult.Rule("minAccuracy", 0.85, 0.9, false, "test accuracy is 0.8500, but expected minimum is 0.9000")));
            new EvaluationResult(0.85, null, List.of(
                    new EvaluationResult.ClassMetrics("square", 0.8, 0.9, 0.85, 0.9, 250),
                    new EvaluationResult.ClassMetrics("disc", 0.9, 0.8, 0.85, 0.8, 250)), List.of("square", "disc"),
                    new long[][] {{225, 25}, {50, 200}}, wrong, new EvaluationResult.TestSet("cifar10", "abc", 500), "f00d", gate,
                    List.of(new EvaluationResult.Comparison("accuracy", 0.87, 0.85, -0.02)))
                    .write(dir.resolve("evaluation.json"));
        }
    }
}
