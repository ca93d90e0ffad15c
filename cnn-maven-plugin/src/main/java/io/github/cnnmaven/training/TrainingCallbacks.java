package io.github.cnnmaven.training;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.training.callback.BestModelKeeper;
import io.github.cnnmaven.training.callback.BudgetPlanner;
import io.github.cnnmaven.training.callback.ChanceGuard;
import io.github.cnnmaven.training.callback.Checkpointer;
import io.github.cnnmaven.training.callback.DivergenceGuard;
import io.github.cnnmaven.training.callback.EarlyStopping;
import io.github.cnnmaven.training.callback.ExponentialAverage;
import io.github.cnnmaven.training.callback.StochasticAverage;
import io.github.cnnmaven.training.callback.WeightAverage;
import io.github.cnnmaven.training.callback.FrozenBackbone;
import io.github.cnnmaven.training.callback.PlateauDecay;
import io.github.cnnmaven.training.callback.TimeBudget;
import io.github.cnnmaven.training.callback.TrainingCallback;
import io.github.cnnmaven.training.schedule.Schedules;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The callbacks a configuration asks for, in the order they run after each batch and epoch: the
 * guards first, then the model keeper and the schedule's and budget's callbacks, the checkpoint last
 * (it saves the others' state). The ones the loop reads by name are fields.
 */
final class TrainingCallbacks {

    /** cnn.ema or cnn.swa; null when neither is set. */
    final WeightAverage averaging;
    final BestModelKeeper best;
    final PlateauDecay plateau;
    final BudgetPlanner planner;
    final Checkpointer checkpointer;
    private final List<TrainingCallback> all = new ArrayList<>();

    TrainingCallbacks(TrainingConfig config, ImageSet train, Splits.Split split, int stepsPerEpoch,
                              Path checkpoints, String fingerprint, WeightAverage.BatchNormPass batchNorm, Console console) {
        all.add(new DivergenceGuard(config.learningRate(), train.numClasses()));
        if (split.validation().length > 0 && !config.isOverfitCheck()) {
            all.add(new ChanceGuard(Trainer.largestShare(train.labels(), split.validation(), train.numClasses()),
                    train.numClasses(), config.learningRate()));
        }
        averaging = config.ema() > 0 ? add(new ExponentialAverage(config.ema()))
                : config.swa() > 0 ? add(new StochasticAverage(config.swa(), batchNorm)) : null;
        if (averaging != null) {
            console.info(averaging.describe());
        }
        best = add(new BestModelKeeper(checkpoints.resolve("best.zip"), averaging));
        plateau = config.schedule().followsValidation()
                ? add(new PlateauDecay(config.learningRate(), config.patience(), config.gamma(), console)) : null;
        if (config.earlyStopping() > 0) {
            all.add(new EarlyStopping(config.earlyStopping()));
        }
        if (config.maxMinutes() > 0) {
            BudgetPlanner.Replanner replanner = config.schedule().dependsOnLength()
                    ? (g, epochs) -> Schedules.replan(g, config, stepsPerEpoch, epochs) : (g, epochs) -> { };
            double validationShare = (split.validation().length + Trainer.TRAIN_ACCURACY_SAMPLE) / (3.0 * split.train().length);
            planner = add(new BudgetPlanner(config.maxMinutes(), config.epochs(), config.minEpochs(), stepsPerEpoch,
                    validationShare, replanner, System::nanoTime, console));
            all.add(new TimeBudget(config.maxMinutes(), config.minEpochs())); // the hard stop, should the plan overrun
        } else {
            planner = null;
        }
        checkpointer = new Checkpointer(checkpoints.resolve("last.zip"), fingerprint, all);
        all.add(checkpointer);
    }

    private <T extends TrainingCallback> T add(T callback) {
        all.add(callback);
        return callback;
    }

    /**
     * {@code cnn.freezeEpochs} with a pretrained network: the backbone stays frozen for the first
     * epochs. Runs first, so the other callbacks see the network as it trains.
     */
    FrozenBackbone freeze(int epochs, String classifier, ComputationGraph graph) {
        FrozenBackbone frozen = new FrozenBackbone(epochs, classifier, graph);
        all.add(0, frozen);
        return frozen;
    }

    /** The epochs planned so far: the time budget's plan, or {@code cnn.epochs}. */
    int plannedEpochs(int epochs) {
        return planner == null ? epochs : planner.plannedEpochs();
    }

    List<TrainingCallback> list() {
        return Collections.unmodifiableList(all);
    }
}
