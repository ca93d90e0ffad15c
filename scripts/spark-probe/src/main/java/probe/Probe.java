package probe;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a tiny graph on a learnable synthetic problem with dl4j-spark's SparkComputationGraph and synchronous
 * parameter averaging, on the Spark master given (local[2] by default), and prints the score per epoch and the
 * accuracy: the linkage check of dl4j-spark 1.0.0-M2 against the 1.0.0-M2.1 core on Spark 3.5.
 */
public class Probe {
    public static void main(String[] args) {
        Random r = new Random(1);
        List<DataSet> data = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            INDArray x = Nd4j.zeros(16, 1, 8, 8);
            INDArray y = Nd4j.zeros(16, 2);
            for (int i = 0; i < 16; i++) {
                int c = r.nextInt(2);
                y.putScalar(i, c, 1);
                for (int p = 0; p < 64; p++) {
                    int row = p / 8;
                    x.putScalar(new int[] {i, 0, row, p % 8}, (c == 0 ? row < 4 : row >= 4) ? 1 + r.nextGaussian() * 0.3 : r.nextGaussian() * 0.3);
                }
            }
            data.add(new DataSet(x, y));
        }
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        SparkConf sc = new SparkConf().setMaster(args.length > 0 ? args[0] : "local[2]").setAppName("probe");
        try (JavaSparkContext jsc = new JavaSparkContext(sc)) {
            JavaRDD<DataSet> rdd = jsc.parallelize(data, 2);
            ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(16)
                    .batchSizePerWorker(16).averagingFrequency(5).workerPrefetchNumBatches(0).build();
            SparkComputationGraph net = new SparkComputationGraph(jsc, conf, tm);
            for (int e = 0; e < 5; e++) {
                long t = System.nanoTime();
                net.fit(rdd);
                System.out.println("PROBE epoch " + (e + 1) + " score " + net.getScore() + " " + (System.nanoTime() - t) / 1e6 + " ms");
            }
            Evaluation ev = new Evaluation(2);
            for (DataSet d : data) {
                ev.eval(d.getLabels(), net.getNetwork().outputSingle(d.getFeatures()));
            }
            System.out.println("PROBE accuracy " + ev.accuracy());
        }
    }
}
