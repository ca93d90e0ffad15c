package io.github.cnnmaven.spark;

import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A worker's network, new each averaging round, gets the plugin's layers at its first mini-batch, once. */
class PluginLayersHookTest {

    @Test
    void aNewNetworkGetsThePluginsLayersOnce() throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(TrainingFixtures.lenet5(1, Optimizer.ADAM, 0.001,
                null), new InputShape(3, 32, 32, 10), 10).configuration());
        graph.init();
        List<Class<?>> stock = classes(graph);
        PluginLayersHook hook = new PluginLayersHook();

        hook.preUpdate(new MultiDataSet(), graph);
        List<Class<?>> installed = classes(graph);
        assertNotEquals(stock, installed, "the batch norm and convolutions are the plugin's now");
        Layer[] layers = graph.getLayers().clone();
        hook.preUpdate(new MultiDataSet(), graph);
        assertEquals(Arrays.asList(layers), Arrays.asList(graph.getLayers()), "the same layers after the next mini-batch");
    }

    private static List<Class<?>> classes(ComputationGraph graph) {
        return Arrays.stream(graph.getLayers()).<Class<?>>map(Object::getClass).toList();
    }
}
