package io.github.cnnmaven.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.inference.InferenceGraphTest;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.output.ModelMetadata;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every network the plugin can build, exported and run by ONNX Runtime: the same top-1 class as
 * DL4J's on every image and the same probabilities within 1e-4. Batch-norm statistics are
 * randomised (as after training), so folding or mis-ordering them would show.
 */
class OnnxExporterTest {

    private static final int IMAGES = 8;
    private static OrtEnvironment ort;

    @BeforeAll
    static void startRuntime() {
        ort = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void stopRuntime() {
        ort.close();
    }

    @ParameterizedTest(name = "{0} on {1}x{2}x{3}")
    @CsvSource({
            "lenet5,1,28,28", "lenet5,3,32,32", "alexnet-cifar,3,32,32", "vgg11,3,32,32", "vgg13,3,32,32", "vgg16,3,32,32",
            "vgg19,3,32,32", "nin,3,32,32", "resnet20,3,32,32", "resnet32,3,32,32", "resnet44,3,32,32",
            "resnet56,3,32,32", "resnet110,3,32,32", "resnet18,3,32,32", "alexnet,3,32,32", "alexnet,3,64,64",
            "resnet34,3,32,32", "resnet34,3,64,64", "resnet50,3,64,64", "googlenet,3,32,32", "googlenet,3,64,64"})
    void everyPresetExportsAndOnnxRuntimeAgreesWithDl4j(String preset, int channels, int height, int width) throws Exception {
        TrainingConfig config = TrainingConfig.builder().network(preset).epochs(1).batchSize(4).build();
        assertAgrees(config, new InputShape(channels, height, width, 10));
    }

    @Test
    void presetsWithoutBatchNormExportToo() throws Exception {
        for (String preset : List.of("alexnet-cifar", "resnet20")) {
            assertAgrees(TrainingConfig.builder().network(preset).epochs(1).batchSize(4).batchNorm(false).build(),
                    new InputShape(3, 32, 32, 10));
        }
    }

    /** Every layer type of the POM's {@code <layers>}, with DL4J's padding rules on odd sizes. */
    @Test
    void customLayersExportWithDl4jsPaddingOnOddSizes() throws Exception {
        List<LayerSpec> layers = List.of(
                LayerSpec.of("conv").filters(6).kernel(3).activation("leakyrelu"),
                LayerSpec.of("maxpool").kernel(3).stride(2).padding("same"), // 21 → 11, uneven padding
                LayerSpec.of("batchnorm"),
                LayerSpec.of("conv").filters(8).kernel(4).stride(2).padding("same").activation("tanh"), // even kernel
                LayerSpec.of("avgpool").kernel(3).stride(1).padding("same"), // the border averages fewer pixels
                LayerSpec.of("conv").filters(8).kernel(3).padding("valid").activation("identity"),
                LayerSpec.of("avgpool").kernel(2).padding("valid"),
                LayerSpec.of("residual").filters(8),
                LayerSpec.of("residual").filters(12).stride(2),
                LayerSpec.of("bottleneck").filters(4),
                LayerSpec.of("inception").inception(4, 4, 6, 2, 4, 4),
                LayerSpec.of("dropout").rate(0.3),
                LayerSpec.of("dense").units(16).activation("tanh"),
                LayerSpec.of("batchnorm"),
                LayerSpec.of("dense").units(12).activation("leakyrelu"),
                LayerSpec.of("dropout").rate(0.5));
        assertAgrees(TrainingConfig.builder().network(null).layers(layers).epochs(1).batchSize(4).build(),
                new InputShape(3, 21, 21, 5));
        assertAgrees(TrainingConfig.builder().network(null).layers(List.of(LayerSpec.of("conv").filters(4),
                        LayerSpec.of("globalavgpool"), LayerSpec.of("dense").units(8))).epochs(1).batchSize(4).build(),
                new InputShape(1, 15, 15, 3));
    }

    @Test
    void metadataCarriesClassesFingerprintAndTheSourceModel() throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(1).batchSize(4).build();
        ComputationGraph graph = graph(config, new InputShape(1, 28, 28, 3));
        ModelMetadata metadata = metadata(new InputShape(1, 28, 28, 3), new Random(1));
        Onnx.ModelProto model = OnnxExporter.export(graph, metadata, "ab".repeat(32), "9.9");
        assertEquals(7, model.getIrVersion());
        assertEquals(13, model.getOpsetImport(0).getVersion());
        java.nio.file.Path file = java.nio.file.Files.createTempFile("model", ".onnx");
        try {
            java.nio.file.Files.write(file, model.toByteArray());
            OnnxModelInfo info = OnnxModelInfo.read(file);
            assertEquals(List.of("class 0", "class 1", "class \"2\", with a comma"), info.classes());
            assertEquals("f1ngerpr1nt", info.fingerprint());
            assertEquals("ab".repeat(32), info.modelSha256());
            assertEquals(13, info.opset());
            try (OrtSession session = ort.createSession(model.toByteArray())) {
                // What another runtime sees: the same JSON array through ONNX Runtime's own metadata reader.
                assertEquals("[\"class 0\",\"class 1\",\"class \\\"2\\\", with a comma\"]",
                        session.getMetadata().getCustomMetadata().get("classes"));
                assertEquals("f1ngerpr1nt", session.getMetadata().getCustomMetadata().get("fingerprint"));
                assertEquals(List.of(OnnxExporter.INPUT), new ArrayList<>(session.getInputNames()));
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void aLayerWithoutAnOnnxFormIsNamed() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "input")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "input")
                .addVertex("product1", new ElementWiseVertex(ElementWiseVertex.Op.Product), "conv1", "conv2")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "product1")
                .setOutputs("output").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        CnnException e = assertThrows(CnnException.class, () -> OnnxExporter.export(graph,
                metadata(new InputShape(1, 8, 8, 2), new Random(2)), "00", "1"));
        assertTrue(e.getMessage().startsWith("Cannot export the model to ONNX: layer product1 is an element-wise Product vertex"),
                e.getMessage());
    }

    private static ComputationGraph graph(TrainingConfig config, InputShape shape) throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, shape, 1).configuration());
        graph.init();
        InferenceGraphTest.randomiseBatchNorms(graph);
        return graph;
    }

    private static ModelMetadata metadata(InputShape shape, Random random) {
        double[] mean = new double[shape.channels()];
        double[] std = new double[shape.channels()];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = 0.2 + 0.5 * random.nextDouble();
            std[c] = 0.1 + 0.3 * random.nextDouble();
        }
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < shape.classes(); i++) {
            classes.add(i == 2 ? "class \"2\", with a comma" : "class " + i);
        }
        return new ModelMetadata("f1ngerpr1nt", "test", classes, shape.channels(), shape.height(), shape.width(), mean, std, 1, 0.5);
    }

    private static void assertAgrees(TrainingConfig config, InputShape shape) throws Exception {
        Random random = new Random(42);
        ComputationGraph graph = graph(config, shape);
        ModelMetadata metadata = metadata(shape, random);
        float[] pixels = new float[IMAGES * shape.channels() * shape.height() * shape.width()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(256);
        }
        long[] dims = {IMAGES, shape.channels(), shape.height(), shape.width()};
        INDArray normalised = Nd4j.create(pixels, dims, 'c').castTo(DataType.FLOAT);
        for (int c = 0; c < shape.channels(); c++) {
            INDArray plane = normalised.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c));
            plane.divi(255).subi(metadata.mean()[c]).divi(metadata.std()[c]);
        }
        unsaturate(graph, normalised);
        float[][] expected = graph.outputSingle(false, normalised).toFloatMatrix();

        byte[] onnx = OnnxExporter.export(graph, metadata, "00", "test").toByteArray();
        float[][] actual;
        try (OrtSession session = ort.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(pixels), dims);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            actual = (float[][]) result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
        }
        double worst = 0;
        double smallestMargin = Double.MAX_VALUE;
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(argmax(expected[i]), argmax(actual[i]), "top-1 class of image " + i);
            for (int k = 0; k < expected[i].length; k++) {
                worst = Math.max(worst, Math.abs(expected[i][k] - actual[i][k]));
            }
            smallestMargin = Math.min(smallestMargin, margin(expected[i]));
        }
        assertTrue(worst <= 1e-4, "largest probability difference " + worst);
        System.out.printf("%s %s: largest probability difference %.2e, smallest top-1 margin %.2e%n",
                config.networkName(), shape, worst, smallestMargin);
    }

    /**
     * Scales the classifier so its logits have a standard deviation of 2 on these images: with random
     * batch-norm statistics deep networks give logits in the hundreds, whose softmax is 0 or 1 and
     * would hide any difference between the runtimes.
     */
    private static void unsaturate(ComputationGraph graph, INDArray images) {
        String output = graph.getConfiguration().getNetworkOutputs().get(0);
        String features = graph.getConfiguration().getVertexInputs().get(output).get(0);
        INDArray x = graph.feedForward(images, false).get(features);
        x = x.reshape(x.size(0), x.length() / x.size(0));
        org.deeplearning4j.nn.api.Layer classifier = graph.getLayer(output);
        INDArray logits = x.mmul(classifier.getParam("W")).addiRowVector(classifier.getParam("b"));
        double scale = 2 / Math.max(1e-6, logits.stdNumber().doubleValue());
        classifier.setParam("W", classifier.getParam("W").mul(scale));
        classifier.setParam("b", classifier.getParam("b").mul(scale));
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            best = p[k] > p[best] ? k : best;
        }
        return best;
    }

    private static double margin(float[] p) {
        int best = argmax(p);
        double second = -1;
        for (int k = 0; k < p.length; k++) {
            second = k == best ? second : Math.max(second, p[k]);
        }
        return p[best] - second;
    }
}
