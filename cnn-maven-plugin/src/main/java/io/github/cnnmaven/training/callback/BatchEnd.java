package io.github.cnnmaven.training.callback;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A finished training batch.
 *
 * @param iteration the batch's number within the epoch, from 1
 * @param loss      the mini-batch's loss as DL4J reports it
 */
public record BatchEnd(int epoch, int iteration, double loss, ComputationGraph graph) {
}
