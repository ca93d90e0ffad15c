package io.github.cnnmaven.output;

/**
 * In {@code run.json}: how a run trained on a cluster ({@code cnn.spark.master}).
 *
 * @param engine          {@code spark}
 * @param master          the Spark master it trained on
 * @param workers         models trained side by side
 * @param batchPerWorker  each worker's mini-batch
 * @param averagingPeriod mini-batches each worker trained between two averagings
 * @param rounds          averaging rounds run, over all epochs of this process
 * @param secondsPerRound mean wall time of one round, data loading and averaging included
 */
public record ClusterRun(String engine, String master, int workers, int batchPerWorker, int averagingPeriod, long rounds,
                         double secondsPerRound) {
}
