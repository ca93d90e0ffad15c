package io.github.cnnmaven.training.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.Json;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The averages equal the ones computed by hand, are used only inside withAveraged, and survive a checkpoint. */
class WeightAverageTest {

    /** A 3 → 2 softmax layer: 8 parameters. */
    private static ComputationGraph tiny() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in").setOutputs("out").build());
        graph.init();
        return graph;
    }

    private static float[] params(float start) {
        float[] p = new float[8];
        for (int i = 0; i < p.length; i++) {
            p[i] = start + i;
        }
        return p;
    }

    private static INDArray row(float[] values) {
        return Nd4j.createFromArray(values).reshape(1, values.length);
    }

    private static float[] flat(INDArray a) {
        return a.castTo(DataType.FLOAT).toFloatVector();
    }

    @Test
    void theExponentialAverageIsTheHandComputedOneWithItsWarmUp() {
        ComputationGraph graph = tiny();
        ExponentialAverage ema = new ExponentialAverage(0.2);
        float[] p1 = params(1);
        float[] p2 = params(10);
        float[] p3 = params(-4);
        for (float[] p : new float[][] {p1, p2, p3}) {
            graph.setParams(row(p));
            ema.afterBatch(new BatchEnd(1, 1, 0, graph));
        }
        // first update: the weights themselves; then d = min(0.2, (1 + n)/(10 + n)): 2/11, then 0.2
        double d1 = 2.0 / 11;
        double d2 = 0.2;
        float[] expected = new float[8];
        for (int i = 0; i < 8; i++) {
            double a2 = d1 * p1[i] + (1 - d1) * p2[i];
            expected[i] = (float) (d2 * a2 + (1 - d2) * p3[i]);
        }
        assertEquals(3, ema.updates());
        assertArrayEquals(expected, flat(ema.average()), 1e-5f);
    }

    /** The one pass over the float buffers and the ND4J fallback (other types, views) blend alike. */
    @Test
    void blendingInPlaceIsTheWeightedSumOnEveryPath() {
        INDArray a = Nd4j.createFromArray(1f, 2f, 3f, 4f).reshape(1, 4);
        WeightAverage.blend(a, Nd4j.createFromArray(5f, 6f, 7f, 8f).reshape(1, 4), 0.75);
        assertArrayEquals(new float[] {2, 3, 4, 5}, flat(a), 1e-6f);
        INDArray doubles = Nd4j.createFromArray(1.0, 2.0);
        WeightAverage.blend(doubles, Nd4j.createFromArray(5.0, 6.0), 0.75);
        assertArrayEquals(new double[] {2, 3}, doubles.toDoubleVector(), 1e-12);
        INDArray matrix = Nd4j.createFromArray(new float[][] {{1, 9}, {3, 9}});
        INDArray column = matrix.getColumn(0); // a strided view
        WeightAverage.blend(column, Nd4j.createFromArray(5f, 7f), 0.75);
        assertArrayEquals(new float[] {2, 9, 4, 9}, flat(matrix.reshape(4)), 1e-6f);
    }

    @Test
    void swaAveragesTheLastEpochsOfThePlanEquallyAndStartsOverWhenThePlanGrows() {
        ComputationGraph graph = tiny();
        StochasticAverage swa = new StochasticAverage(2, g -> { });
        for (int epoch = 1; epoch <= 5; epoch++) {
            graph.setParams(row(params(epoch * 10)));
            swa.epochTrained(epoch, 5, graph);
            assertEquals(epoch >= 4, swa.active(), "epoch " + epoch);
        }
        float[] expected = new float[8];
        for (int i = 0; i < 8; i++) {
            expected[i] = (params(40)[i] + params(50)[i]) / 2;
        }
        assertArrayEquals(expected, flat(swa.average()), 1e-5f);

        StochasticAverage replanned = new StochasticAverage(2, g -> { });
        graph.setParams(row(params(1)));
        replanned.epochTrained(4, 5, graph); // in the last two of five
        replanned.epochTrained(5, 7, graph); // the budget now fits seven: epoch 5 is not among the last two
        assertFalse(replanned.active(), "the average starts over at the new last epochs");
    }

    @Test
    void withAveragedLendsTheAverageAndPutsTheTrainedWeightsBack() {
        ComputationGraph graph = tiny();
        AtomicInteger passes = new AtomicInteger();
        StochasticAverage swa = new StochasticAverage(2, g -> {
            passes.incrementAndGet();
            g.params().putScalar(0, 99); // what a batch-norm pass would set
        });
        float[] trained = params(100);
        graph.setParams(row(trained));
        assertEquals(100f, (float) swa.<Float, RuntimeException>withAveraged(graph, g -> g.params().getFloat(0)), "no average yet: the trained weights");

        graph.setParams(row(params(10)));
        swa.epochTrained(4, 5, graph);
        graph.setParams(row(params(30)));
        swa.epochTrained(5, 5, graph);
        graph.setParams(row(trained));
        assertEquals(99f, (float) swa.<Float, RuntimeException>withAveraged(graph, g -> g.params().getFloat(0)), "prepared by the pass");
        assertEquals(21f, (float) swa.<Float, RuntimeException>withAveraged(graph, g -> g.params().getFloat(1)), "(11 + 31) / 2");
        assertEquals(1, passes.get(), "the prepared average is reused until it changes");
        assertArrayEquals(trained, flat(graph.params()), "the trained weights are back");
    }

    @Test
    void theCheckpointCarriesTheAverageExactly() throws Exception {
        ComputationGraph graph = tiny();
        ExponentialAverage ema = new ExponentialAverage(0.999);
        graph.setParams(row(new float[] {0.1f, -2.5e-7f, 3.14159f, 1e6f, -0f, 7, 8, 9}));
        ema.afterBatch(new BatchEnd(1, 1, 0, graph));
        graph.setParams(row(params(2)));
        ema.afterBatch(new BatchEnd(1, 2, 0, graph));
        JsonNode state = Json.MAPPER.readTree(Json.bytes(ema.saveState()));

        ExponentialAverage resumed = new ExponentialAverage(0.999);
        assertNull(resumed.saveState(), "nothing to save before the first update");
        resumed.restoreState(state);
        assertEquals(2, resumed.updates());
        assertArrayEquals(flat(ema.average()), flat(resumed.average()), 0f);
        assertTrue(resumed.active());
    }
}
