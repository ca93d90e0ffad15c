package io.github.cnnmaven.spark;

import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.training.Augmentation;
import io.github.cnnmaven.training.ChannelNormalizer;
import io.github.cnnmaven.training.Framing;
import io.github.cnnmaven.training.ImageBatches;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Runs on the executors: turns a {@link Ticket} into its mini-batch, read from the shards and augmented and
 * normalised there exactly as {@code ImageBatches} does for training in one JVM. Only the tickets (image
 * indices and a seed) travel with the tasks; the images never leave the shards.
 *
 * @param manifest       the shards' manifest, a path every executor reads
 * @param hadoop         Hadoop settings for reading it ({@code cnn.spark.conf}'s {@code spark.hadoop.*})
 * @param normalizer     the per-channel normalisation fitted on the training split (by the driver)
 * @param augments       {@code cnn.augment}
 * @param framing        how a stored image becomes the input
 * @param labelSmoothing {@code cnn.labelSmoothing}
 */
record BatchLoader(String manifest, Map<String, String> hadoop, ChannelNormalizer normalizer, List<Augment> augments, Framing framing,
                   double labelSmoothing) implements Function<BatchLoader.Ticket, DataSet> {

    /** One mini-batch: the training images it holds, in order, and the seed of its augmentation. */
    record Ticket(int[] images, long seed) implements Serializable {
    }

    BatchLoader {
        augments = List.copyOf(augments);
        hadoop = Map.copyOf(hadoop);
    }

    @Override
    public DataSet call(Ticket ticket) {
        return new ImageBatches(TrainingShards.read(manifest, hadoop), ticket.images(), ticket.images().length, normalizer,
                new Augmentation(augments), ticket.seed(), labelSmoothing, framing).next();
    }
}
