package io.github.cnnmaven.benchmark;

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
        // 100 training images a class (90 after the validation split) and a fresh seed: learnable in a
        // few epochs, but not at once, so that slow recipes show
        ImageSet train = SyntheticDatasets.generate(100, 32, 3, 5);
        LoadedDataset data = new LoadedDataset(new PreparedDataset(DatasetKind.CIFAR10, Path.of("."), "synthetic", "memory"),
                train, SyntheticDatasets.generate(10, 32, 3, 6));
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
                TrainRequest request = new TrainRequest(data.prepared(), null, config, work.resolve(preset + "-" + name),
                        "benchmark-" + preset + "-" + name, true, false, Runtime.getRuntime().availableProcessors());
                long start = System.nanoTime();
                Trainer.Result result = new Trainer(Console.of(s -> { }, System.err::println)).train(request, data, null);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s %-10s", preset, name));
                double best = 0;
                for (EpochRecord e : result.history()) {
                    row.append(String.format(Locale.ROOT, " %.3f", e.validationAccuracy()));
                    best = Math.max(best, e.validationAccuracy());
                }
                row.append(String.format(Locale.ROOT, "   best %.3f  train loss %.3f  %3.0f s", best,
                        result.history().get(result.history().size() - 1).trainLoss(), (System.nanoTime() - start) / 1e9));
                System.out.println(row);
                rows.add(row.toString());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-14s %-10s  validation accuracy per epoch (%d training images, %d validation)%n",
                "preset", "recipe", Math.round(train.size() * 0.9), Math.round(train.size() * 0.1));
        rows.forEach(System.out::println);
    }
}
