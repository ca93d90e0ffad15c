package io.github.cnnmaven.training;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** SWA's batch-norm pass sets the running statistics to the mean of the batches' own. */
class BatchNormReestimationTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theRunningStatisticsBecomeTheMeanOfTheBatchStatistics(boolean logStd) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("bn", new BatchNormalization.Builder().useLogStd(logStd).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build());
        graph.init();
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.rand(DataType.FLOAT, 5, 2, 4, 4).muli(3).addi(1);
        INDArray b = Nd4j.rand(DataType.FLOAT, 5, 2, 4, 4).muli(0.5).subi(2);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 5, 2);
        BatchNormReestimation.reestimate(graph, List.of(new DataSet(a, labels), new DataSet(b, labels)).iterator(), 1);

        double[] mean = new double[2];
        double[] variance = new double[2];
        for (INDArray x : List.of(a, b)) {
            for (int c = 0; c < 2; c++) {
                INDArray channel = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(c)).dup();
                double m = channel.meanNumber().doubleValue();
                mean[c] += m / 2;
                variance[c] += channel.sub(m).muli(channel.sub(m)).meanNumber().doubleValue() / 2;
            }
        }
        var bn = graph.getLayer("bn");
        assertArrayEquals(mean, bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).castTo(DataType.DOUBLE)
                .toDoubleVector(), 1e-5);
        INDArray stored = logStd ? Transforms.pow(Nd4j.valueArrayOf(new long[] {2}, 10.0, DataType.DOUBLE),
                bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).castTo(DataType.DOUBLE).reshape(-1)).mul(
                Transforms.pow(Nd4j.valueArrayOf(new long[] {2}, 10.0, DataType.DOUBLE),
                        bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).castTo(DataType.DOUBLE).reshape(-1)))
                : bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).castTo(DataType.DOUBLE).reshape(-1);
        assertArrayEquals(variance, stored.toDoubleVector(), 1e-4);
    }
}
