package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.PropertySwitch;

/**
 * How a CPU training uses {@code cnn.threads}: each batch split among that many workers, each running
 * its native operations on one thread, rather than every operation on all the threads.
 * <p>
 * Why: the layers of the networks this plugin trains are small at batch 128 (a 28×28 convolution is a
 * fraction of a millisecond), too short for OpenMP's second thread to pay for waking it: on two cores
 * the main job trained an epoch in about the same time on two threads as on one. Two halves of the batch
 * computed at once keep both cores busy for the whole step (see docs/benchmarks.md, "Two threads").
 * The parent decides it before the fork (the fork's OpenMP threads are fixed at its start), the fork
 * again with the same rule to know how many workers to start.
 */
public final class BatchSplit {

    /** {@code -Dcnn.splitBatch=false} in {@code cnn.argLine}: every native operation on all the threads, as before. */
    public static final PropertySwitch SWITCH = new PropertySwitch("cnn.splitBatch");

    private BatchSplit() {
    }

    /**
     * The fewest images a worker's share may have. Batch norm normalises each share by its own statistics:
     * over 4 images (resnet50 at batch 8 on two threads) they are noise and the network did not learn, so a
     * smaller batch is not split, and a larger one among no more workers than it has shares of 32.
     */
    public static final int MIN_SHARE = 32;

    /**
     * The workers a training step runs on: {@code cnn.threads} on the CPU, as far as the batch has shares of
     * {@link #MIN_SHARE}; one when it trains on several devices at once ({@code cnn.gpus}) or on Spark, whose
     * own workers split the batch, or the switch is off.
     *
     * @param batchSize {@code cnn.batchSize} (a study's smallest)
     * @param cpu       whether the training runs on the CPU backend
     * @param switchOn  {@link #SWITCH} in the JVM that trains
     */
    public static int workers(ForkContext context, int batchSize, boolean cpu, boolean switchOn) {
        boolean oneDevice = context.gpus() == null || context.gpus() <= 1;
        int workers = Math.min(context.threads(), batchSize / MIN_SHARE);
        return cpu && switchOn && oneDevice && context.spark() == null && workers > 1 ? workers : 1;
    }

    /**
     * The workers the training JVM starts: {@code workers} when it was started with one native thread for them
     * (as {@link #nativeThreads} gives), else 1, since workers whose operations each take every core would fight
     * over them: a study's fork splits only if its smallest batch does, and a test's JVM has all the threads.
     */
    public static int workersIn(int workers, int nativeThreadsOfThisJvm) {
        return nativeThreadsOfThisJvm == 1 ? workers : 1;
    }

    /** The threads each native operation gets in a fork of {@code workers} workers. */
    public static int nativeThreads(int threads, int workers) {
        return workers > 1 ? 1 : threads;
    }
}
