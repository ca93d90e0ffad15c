package io.github.cnnmaven.training;

import io.github.cnnmaven.config.Balance;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.network.InputShape;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;

/**
 * What training feeds the network, derived once from the configuration and the training images:
 * the seeded validation split, the normaliser fitted on the training split, the epoch length, and
 * each epoch's augmented batches (prepared on a background thread). find-lr uses the same, so its
 * sweep sees exactly the data training will.
 */
public record TrainingInputs(TrainingConfig config, ImageSet images, Splits.Split split, ChannelNormalizer normalizer,
                             int iterationsPerEpoch, InputShape shape) {

    /**
     * Inputs of {@code inputSide} pixels, taken out of larger stored images (resizecrop,
     * randomresizedcrop) when it is smaller than theirs.
     */
    public static TrainingInputs of(TrainingConfig config, ImageSet train, int inputSide) {
        int classes = train.numClasses();
        Splits.Split split = config.isOverfitCheck()
                ? new Splits.Split(Splits.balancedSubset(train.labels(), classes, config.overfit()), new int[0])
                : Splits.stratified(train.labels(), classes, config.validationSplit(), config.seed());
        ChannelNormalizer normalizer = ChannelNormalizer.fit(train, split.train());
        int epochSize = order(config, train, split, 0).length;
        int iterations = (epochSize + config.batchSize() - 1) / config.batchSize();
        return new TrainingInputs(config, train, split, normalizer, iterations,
                new InputShape(train.channels(), inputSide, inputSide, classes));
    }

    /** The shuffled (and, with oversampling, balanced) order of one epoch. */
    public int[] epochOrder(int epoch) {
        return order(config, images, split, config.seed() + epoch);
    }

    private static int[] order(TrainingConfig config, ImageSet images, Splits.Split split, long seed) {
        return Splits.epochOrder(split.train(), images.labels(), images.numClasses(), config.balance() == Balance.OVERSAMPLE, seed);
    }

    /** Optimiser steps in an epoch when it is spread over the plan's workers. */
    public int stepsPerEpoch(DataParallel.Plan plan) {
        return plan.stepsPerEpoch(order(config, images, split, 0).length);
    }

    /** One epoch of augmented training batches, prepared ahead on another thread; shut it down after use. */
    public AsyncDataSetIterator batches(int[] order, int epoch) {
        return new AsyncDataSetIterator(batchesInPlace(order, epoch, config.batchSize()), 4);
    }

    /** The same batches, prepared on the caller's thread, of {@code batchSize} images (a worker's share on several devices). */
    public ImageBatches batchesInPlace(int[] order, int epoch, int batchSize) {
        return new ImageBatches(images, order, batchSize, normalizer, new Augmentation(config.augment()),
                config.seed() * 31 + epoch, config.labelSmoothing(),
                Framing.forTraining(config.cropping(), images.height(), shape.height()));
    }

    /** How validation images become inputs: the centre when they are stored larger. */
    public Framing evaluationFraming() {
        return Framing.forEvaluation(images.height(), shape.height());
    }
}
