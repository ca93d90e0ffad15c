package io.github.cnnmaven.spark;

import io.github.cnnmaven.kernels.TrainingLayers;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Runs on the executors: gives each worker's network the plugin's faster CPU layers (fused batch norm + ReLU,
 * convolutions without a second forward pass, one-pass ReLUs), as the trainer gives its own. dl4j-spark builds a
 * worker's network from the configuration for every averaging round, so the first mini-batch of each new network
 * installs them; the arithmetic is DL4J's, within float tolerance.
 */
final class PluginLayersHook implements TrainingHook {

    private static final long serialVersionUID = 1L;
    /** The networks of this executor that have the layers already (weakly held: dl4j-spark drops them each round). */
    private static final Set<ComputationGraph> INSTALLED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<ComputationGraph, Boolean>()));

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        if (model instanceof ComputationGraph graph && INSTALLED.add(graph)) {
            TrainingLayers.install(graph);
        }
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // nothing after the step
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        // graphs train on MultiDataSets
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        // graphs train on MultiDataSets
    }
}
