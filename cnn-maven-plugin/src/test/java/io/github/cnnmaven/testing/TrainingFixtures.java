package io.github.cnnmaven.testing;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Optimizer;

import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small, learnable training inputs shared by the training and evaluation tests. */
public final class TrainingFixtures {

    /** 400 training and 50 test images of the ten synthetic shapes, 32×32 RGB. */
    public static final LoadedDataset SHAPES = shapes(40);

    private TrainingFixtures() {
    }

    /**
     * The environment of a training JVM a test forks and then compares with a run in the test's own JVM: as many
     * native threads as this one has (the build's surefire sets them), since libnd4j sums in another order with
     * another count.
     */
    public static Map<String, String> sameNativeThreads() {
        return Map.of("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
    }

    public static LoadedDataset shapes(int perClass) {
        ImageSet train = SyntheticDatasets.generate(perClass, 32, 3, 1);
        ImageSet test = SyntheticDatasets.generate(5, 32, 3, 2);
        return new LoadedDataset(new PreparedDataset(DatasetKind.CIFAR10, Path.of("."), "synthetic", "memory"), train, test);
    }

    /** lenet5 with a 20 % validation split, flip augmentation and a constant rate. */
    /** The context of a test's request: two threads, all devices, not fresh, not interactive, from scratch. */
    public static ForkContext context(PreparedDataset dataset, DatasetSpec spec, Path outputDirectory) {
        return new ForkContext(dataset, spec, outputDirectory, false, false, 2, null, null);
    }

    public static TrainingConfig lenet5(int epochs, Optimizer optimizer, double lr, Integer overfit) {
        return TrainingConfig.builder().network("lenet5").epochs(epochs).batchSize(32).validationSplit(0.2)
                .optimizer(optimizer).learningRate(lr).augment(List.of(Augment.FLIP)).overfit(overfit).build();
    }
}
