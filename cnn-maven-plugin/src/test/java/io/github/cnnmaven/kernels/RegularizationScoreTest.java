package io.github.cnnmaven.kernels;

import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.regularization.L1Regularization;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers the plugin installs add the same regularization term to the score as DL4J's: weight decay (AdamW) and
 * L2 (SGD) from BLAS's dot, within 1e-5 of the term DL4J computes in double (its float norm2 is off by up to 7e-5,
 * measured); any other regularization (L1 here) through DL4J's own code, float for float.
 */
class RegularizationScoreTest {

    @ParameterizedTest(name = "{0}, {1}, L1 {2}")
    @CsvSource({"alexnet-cifar,ADAMW,false", "alexnet-cifar,SGD,false", "lenet5,SGD,true"})
    void addsDl4jsRegularizationTerm(String preset, Optimizer optimizer, boolean l1) throws Exception {
        TrainingConfig c = TrainingConfig.builder().network(preset).epochs(1).batchSize(4).optimizer(optimizer)
                .learningRate(0.01).weightDecay(5e-4).seed(3).build();
        ComputationGraphConfiguration conf = NetworkBuilder.build(c, new InputShape(3, 32, 32, 5), 10).configuration();
        if (l1) {
            conf.getVertices().values().stream().filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex)
                    .map(v -> ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer())
                    .filter(layer -> layer instanceof BaseLayer).forEach(layer ->
                            ((BaseLayer) layer).setRegularization(List.of(new L1Regularization(1e-3))));
        }
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        ComputationGraph lean = BatchNormFusionTest.copy(stock);
        assertTrue(ConvolutionBackprop.install(lean) > 0);

        double actual = lean.calcRegularizationScore(true);
        if (l1) {
            assertEquals(stock.calcRegularizationScore(true), actual, 0.0, "DL4J's own code for L1");
        } else {
            ComputationGraphConfiguration inDouble = conf.clone();
            inDouble.setDataType(DataType.DOUBLE);
            ComputationGraph exact = new ComputationGraph(inDouble);
            exact.init(stock.params().castTo(DataType.DOUBLE), false);
            double expected = exact.calcRegularizationScore(true);
            assertTrue(expected > 1e-3, "a term to compare: " + expected);
            assertEquals(expected, actual, 1e-5 * expected, "DL4J's term, computed in double");
        }
    }
}
