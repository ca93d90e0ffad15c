package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import io.github.cnnmaven.training.TrainingDivergedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The defaults' learning curves on the synthetic shapes ({@code scripts/benchmark-defaults.sh}): per
 * preset, trains a run that sets only {@code network} and {@code epochs}, and runs with given
 * properties on top (such as the defaults before the re-tune, written out), in process, and prints
 * each run's validation accuracy per epoch.
 *
 * <p>Args: epochs, presets (comma-separated), then recipes {@code name=property:value;property:value}
 * ({@code defaults=} for the defaults alone).
 */
public final class DefaultsBenchmark {

    private DefaultsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[0]);
        // By default 100 training images a class (90 after the validation split), 32 pixels, ten classes
        // and a fresh seed: learnable in a few epochs, but not at once, so that slow recipes show.
        // -Dside=64 -Dclasses=3 -DperClass=40 gives the small 64-pixel folder the ImageNet presets must learn.
        int side = Integer.getInteger("side", 32);
        int classes = Integer.getInteger("classes", SyntheticDatasets.CLASSES.size());
        int perClass = Integer.getInteger("perClass", 100);
        ImageSet train = SyntheticDatasets.generate(perClass, side, 3, 5, classes);
        LoadedDataset data = new LoadedDataset(new PreparedDataset(side == 32 ? DatasetKind.CIFAR10 : DatasetKind.FOLDER,
                Path.of("."), "synthetic", "memory"), train, SyntheticDatasets.generate(Math.max(1, perClass / 10), side, 3, 6, classes));
        Path work = Files.createTempDirectory("defaults-benchmark");
        List<String> rows = new ArrayList<>();
        for (String preset : args[1].split(",")) {
            for (int r = 2; r < args.length; r++) {
                String name = args[r].substring(0, args[r].indexOf('='));
                TrainingConfig.Builder b = TrainingConfig.builder().network(preset).epochs(epochs);
                for (String setting : args[r].substring(name.length() + 1).split(";")) {
                    if (!setting.isBlank()) {
                        String[] kv = setting.split(":", 2);
                        b.set(kv[0], kv[1], kv[0]);
                    }
                }
                TrainingConfig config = b.build().validate();
                TrainRequest request = new TrainRequest(new ForkContext(data.prepared(), null, work.resolve(preset + "-" + name), true, false, Runtime.getRuntime().availableProcessors(), null, null), config, "benchmark-" + preset + "-" + name);
                long start = System.nanoTime();
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s %-10s", preset, name));
                Trainer.Result result;
                try {
                    result = new Trainer(Console.of(s -> { }, System.err::println)).train(request, data, null);
                } catch (TrainingDivergedException e) {
                    // a recipe that diverges is a result, not the end of the sweep
                    row.append(" diverged: ").append(e.getMessage(), 0, e.getMessage().indexOf(':'));
                    System.out.println(row);
                    rows.add(row.toString());
                    continue;
                }
                double best = 0;
                for (EpochRecord e : result.history()) {
                    row.append(String.format(Locale.ROOT, " %.3f", e.validationAccuracy()));
                    best = Math.max(best, e.validationAccuracy());
                }
                EpochRecord last = result.history().get(result.history().size() - 1);
                // train accuracy as validation measures it (inference mode): far above validation means overfitting
                row.append(String.format(Locale.ROOT, "   best %.3f  train loss %.3f acc %.3f  %3.0f s", best, last.trainLoss(),
                        last.trainAccuracy(), (System.nanoTime() - start) / 1e9));
                System.out.println(row);
                rows.add(row.toString());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-14s %-10s  validation accuracy per epoch (%d training images, %d validation,"
                + " %d classes, %d px)%n", "preset", "recipe", Math.round(train.size() * 0.9), Math.round(train.size() * 0.1),
                classes, side);
        rows.forEach(System.out::println);
    }
}
