package io.github.cnnmaven.report;

import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Balance;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report's hyperparameter table: only the settings that acted on this run (momentum only for an
 * optimizer that uses it, the decay factor only for a schedule that decays, the kernel size only for
 * a preset that takes it…), each under its property name and written for people (0.0005, not 5.0E-4).
 */
final class Hyperparameters {

    private Hyperparameters() {
    }

    static List<Map<String, String>> rows(TrainingConfig c) {
        List<Map<String, String>> rows = new ArrayList<>();
        if (c == null) {
            return rows;
        }
        row(rows, "network", c.hasCustomLayers() ? "custom <layers> (" + c.layers().size() + " layers)" : c.network());
        if (c.preset() != null && c.preset().takesKernelSize()) {
            row(rows, "kernelSize", c.kernelSize() + "×" + c.kernelSize());
        }
        row(rows, "epochs", String.valueOf(c.epochs()));
        row(rows, "batchSize", String.valueOf(c.batchSize()));
        if (c.optimizer() != null) {
            row(rows, "optimizer", c.optimizer().id());
            row(rows, "learningRate", number(c.learningRate()) + (c.schedule() == Schedule.ONECYCLE ? " (peak)" : ""));
            if (c.optimizer().usesMomentum(c.momentum())) {
                row(rows, "momentum", c.schedule() == Schedule.ONECYCLE ? "cycled 0.95 → 0.85" : number(c.momentum()));
            }
            row(rows, "weightDecay", c.weightDecay() == 0 ? "off" : number(c.weightDecay())
                    + (c.optimizer().decouplesWeightDecay() ? " (decoupled)" : " (L2)"));
        }
        if (c.schedule() != null) {
            row(rows, "schedule", switch (c.schedule()) {
                case STEP -> "step: × " + number(c.gamma()) + " every " + c.stepSize() + " epochs";
                case MULTISTEP -> "multistep: × " + number(c.gamma()) + " at epochs "
                        + c.milestones().stream().map(String::valueOf).collect(Collectors.joining(", "));
                case PLATEAU -> "plateau: × " + number(c.gamma()) + " after " + c.patience() + " epochs without improvement";
                default -> c.schedule().id();
            } + (c.warmupEpochs() > 0 ? ", " + c.warmupEpochs() + " warm-up epochs" : ""));
        }
        row(rows, "dropout", c.dropout() == null ? "the preset's" : number(c.dropout()));
        row(rows, "batchNorm", c.batchNorm() ? "on" : "off");
        row(rows, "augment", c.augment().isEmpty() ? "none"
                : c.augment().stream().map(Augment::id).collect(Collectors.joining(", ")));
        if (c.labelSmoothing() > 0) {
            row(rows, "labelSmoothing", number(c.labelSmoothing()));
        }
        if (c.gradientClip() > 0) {
            row(rows, "gradientClip", number(c.gradientClip()) + " (L2 norm per layer)");
        }
        if (c.balance() == Balance.OVERSAMPLE) {
            row(rows, "balance", "oversample");
        }
        row(rows, "validationSplit", number(c.validationSplit()));
        if (c.earlyStopping() > 0) {
            row(rows, "earlyStopping", c.earlyStopping() + " epochs");
        }
        if (c.maxMinutes() > 0) {
            row(rows, "maxMinutes", c.maxMinutes() + " minutes");
            if (c.minEpochs() > 0) {
                row(rows, "minEpochs", c.minEpochs() + " epochs, whatever the budget");
            }
        }
        row(rows, "seed", String.valueOf(c.seed()));
        return rows;
    }

    /** A number as people write it: 0.0005 rather than 5.0E-4, 0.1 rather than 0.10000. */
    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static void row(List<Map<String, String>> rows, String name, String value) {
        rows.add(Map.of("name", name, "value", value));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
