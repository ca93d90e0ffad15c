package io.github.cnnmaven.keras;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.testing.KerasFiles;
import io.github.cnnmaven.training.Pretrained;
import io.github.cnnmaven.training.PretrainedFormat;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cnn.pretrained with a Keras HDF5 file: the weights land in the plugin's own network, converted from
 * Keras's layouts. The files are written by {@link KerasFiles}; DL4J's own Keras import reading the same
 * file and computing the same outputs shows they are what Keras writes.
 */
class KerasWeightsTest {

    private static final InputType.InputTypeConvolutional CIFAR = (InputType.InputTypeConvolutional) InputType.convolutional(32, 32, 3);

    /** A stem and two ResNet-50 bottleneck blocks, the second with a projection shortcut. */
    private static final TrainingConfig BOTTLENECKS = TrainingConfig.builder().epochs(1).layers(List.of(
            LayerSpec.of("conv").filters(8), LayerSpec.of("bottleneck").filters(4), LayerSpec.of("bottleneck").filters(8).stride(2),
            LayerSpec.of("globalavgpool"))).build();

    @TempDir
    static Path temp;
    static ComputationGraph source;
    static Path model;
    static Path weightsOnly;

    @BeforeAll
    static void writeKerasFiles() throws Exception {
        source = trained(graph("lenet5", 3, 10, 1));
        model = temp.resolve("lenet5.h5");
        KerasFiles.write(source, CIFAR, model, false);
        weightsOnly = temp.resolve("lenet5-weights.h5");
        KerasFiles.write(source, CIFAR, weightsOnly, true);
    }

    /** DL4J's importer and the plugin read the same file to the same function (DL4J's model is channels-last). */
    @Test
    void dl4jsKerasImportComputesWhatThePluginsNetworkComputes() throws Exception {
        MultiLayerNetwork imported = KerasModelImport.importKerasSequentialModelAndWeights(model.toString(), false);
        ComputationGraph loaded = graph("lenet5", 3, 10, 2);
        Pretrained.load(loaded, model);
        String classifier = loaded.getConfiguration().getNetworkOutputs().get(0);
        loaded.getLayer(classifier).setParams(source.getLayer(classifier).params().dup());

        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 32, 32);
        INDArray expected = imported.output(x.permute(0, 2, 3, 1).dup('c'));
        assertClose(expected, source.outputSingle(false, x), 1e-4, "the source network");
        assertClose(expected, loaded.outputSingle(false, x), 1e-4, "the network the Keras weights were loaded into");
    }

    @Test
    void everyLayerButTheClassifierTakesTheKerasWeights() throws Exception {
        for (Path file : new Path[] {model, weightsOnly}) {
            assertEquals(PretrainedFormat.KERAS_HDF5, PretrainedFormat.of(file));
            ComputationGraph graph = graph("lenet5", 3, 5, 7);
            Pretrained.Loaded loaded = Pretrained.load(graph, file);
            assertEquals("a Keras HDF5 file, 7 layers with weights, its classifier " + loaded.classifier() + " left out",
                    loaded.source(), file.toString());
            assertEquals(6, loaded.layers(), "conv, batch norm, conv, batch norm, dense, dense");
            assertSameWeights(source, graph, loaded.classifier(), Map.of());
            assertEquals(5, graph.getLayer(loaded.classifier()).getParam("W").size(1), "the classifier is sized for 5 classes");
        }
    }

    /**
     * Bottleneck blocks: residual branches and projection shortcuts pair up in declared order, and a Keras
     * convolution's bias before batch norm moves into its mean (the blocks' convolutions have none, as in ResNet-50).
     */
    @Test
    void residualNetworksLoadAndConvolutionBiasesMoveIntoBatchNorm() throws Exception {
        ComputationGraph resnet = trained(graph(BOTTLENECKS.toBuilder().seed(3).build(), 10));
        Path file = temp.resolve("bottlenecks.h5");
        KerasFiles.write(resnet, CIFAR, file, true);
        KerasHdf5File.KerasModel keras = KerasHdf5File.read(file);
        // the first convolution without a bias (one that batch norm follows) gets one in the Keras file
        List<String> order = KerasWeights.declaredOrder(resnet).stream().filter(n -> resnet.getLayer(n).numParams() > 0).toList();
        String conv = order.stream().filter(n -> n.startsWith("conv") && !resnet.getLayer(n).paramTable().containsKey("b"))
                .findFirst().orElseThrow(() -> new AssertionError(order.toString()));
        String firstBn = order.get(order.indexOf(conv) + 1);
        KerasHdf5File.KerasLayer kerasConv = keras.layers().stream().filter(l -> l.name().equals(conv)).findFirst().orElseThrow();
        assertEquals(KerasHdf5File.KerasLayer.Kind.CONV2D, kerasConv.kind());
        INDArray bias = Nd4j.rand(DataType.FLOAT, kerasConv.weights().get("kernel").size(3)).subi(0.5);
        kerasConv.weights().put("bias", bias);

        ComputationGraph graph = graph(BOTTLENECKS.toBuilder().seed(4).build(), 10);
        String classifier = graph.getConfiguration().getNetworkOutputs().get(0);
        KerasWeights.Transfer transfer = KerasWeights.load(graph, keras, classifier);

        assertEquals(1, transfer.foldedBiases());
        assertEquals(classifier, transfer.kerasClassifier(), "the Keras file's own classifier is left out");
        assertTrue(firstBn.startsWith("bn"), firstBn);
        assertSameWeights(resnet, graph, classifier, Map.of(firstBn, "mean"));
        INDArray expectedMean = resnet.getLayer(firstBn).getParam("mean").reshape(-1).sub(bias);
        assertClose(expectedMean, graph.getLayer(firstBn).getParam("mean").reshape(-1), 1e-6, firstBn + " mean − bias");
    }

    @Test
    void aDifferentNetworkIsRefusedNamingTheFirstLayerThatDiffers() throws Exception {
        ComputationGraph wider = graph(TrainingConfig.builder().network("lenet5").kernelSize(5).epochs(1).build(), 10);
        CnnException e = assertThrows(CnnException.class, () -> Pretrained.load(wider, model));
        assertEquals("The Keras model " + model + " (cnn.pretrained) does not fit this network: layer conv1 differs from"
                + " Keras layer conv1 (Conv2D): its W is [6, 3, 5, 5] here but [6, 3, 3, 3] in the Keras file (in DL4J's"
                + " layout). Fine-tuning needs the same network, its layers with weights declared in the same order (only"
                + " the classifier may differ).", e.getMessage());

        ComputationGraph resnet = graph("resnet20", 3, 10, 5);
        CnnException kind = assertThrows(CnnException.class, () -> Pretrained.load(resnet, model));
        assertTrue(kind.getMessage().contains("does not fit this network: layer conv1 differs from Keras layer conv1 (Conv2D):"
                + " its W is [16, 3, 3, 3] here but [6, 3, 3, 3] in the Keras file"), kind.getMessage());
    }

    @Test
    void aFileThatIsNotKerasIsRefusedClearly() throws Exception {
        Path empty = temp.resolve("empty.h5");
        org.bytedeco.hdf5.H5File h5 = new org.bytedeco.hdf5.H5File(empty.toString(),
                org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC());
        h5.deallocate();
        ComputationGraph graph = graph("lenet5", 3, 10, 6);
        CnnException e = assertThrows(CnnException.class, () -> Pretrained.load(graph, empty));
        assertEquals("Cannot read the Keras HDF5 file " + empty + " (cnn.pretrained): it has no layer_names attribute: not a"
                + " model or weights file saved by Keras (model.save(\"m.h5\") or model.save_weights(\"w.h5\"))", e.getMessage());
    }

    @Test
    void theFormatIsToldByContent() throws IOException {
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        byte[] userBlock = new byte[512 + 64];
        System.arraycopy(signature, 0, userBlock, 512, signature.length);
        assertEquals(PretrainedFormat.KERAS_HDF5, PretrainedFormat.of(Files.write(temp.resolve("a.zip"), userBlock)),
                "after a 512-byte user block");
        assertEquals(PretrainedFormat.TRAIN_GOAL_MODEL, PretrainedFormat.of(Files.write(temp.resolve("m.h5"),
                new byte[] {'P', 'K', 3, 4, 0})));
        assertNull(PretrainedFormat.of(Files.write(temp.resolve("text.h5"), "HDF".getBytes())));
        assertNull(PretrainedFormat.of(Files.write(temp.resolve("nothing"), new byte[0])));
    }

    /** Every parameter of every layer but the classifier equal, except the ones named (layer → parameter). */
    private static void assertSameWeights(ComputationGraph expected, ComputationGraph actual, String classifier,
                                          Map<String, String> except) {
        int compared = 0;
        for (Layer layer : actual.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0 || name.equals(classifier)) {
                continue;
            }
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                if (!p.getKey().equals(except.get(name))) {
                    assertClose(expected.getLayer(name).getParam(p.getKey()), p.getValue(), 1e-5, name + "." + p.getKey());
                }
            }
            compared++;
        }
        assertTrue(compared >= 6, "layers compared: " + compared);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, what + ": differs by " + diff);
    }

    /** Random weights and batch-norm statistics far from their initial values, so that a missed conversion shows. */
    private static ComputationGraph trained(ComputationGraph graph) {
        Nd4j.getRandom().setSeed(11);
        for (Layer layer : graph.getLayers()) {
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                switch (p.getKey()) {
                    case "gamma" -> p.getValue().assign(Nd4j.rand(DataType.FLOAT, p.getValue().shape()).addi(0.5));
                    case "beta", "mean", "b" -> p.getValue().assign(Nd4j.rand(DataType.FLOAT, p.getValue().shape()).subi(0.5));
                    case "log10stdev" -> p.getValue().assign(Nd4j.rand(DataType.FLOAT, p.getValue().shape()).muli(0.6).subi(0.3));
                    default -> { }
                }
            }
        }
        return graph;
    }

    private static ComputationGraph graph(String network, int channels, int classes, long seed) throws Exception {
        return graph(TrainingConfig.builder().network(network).seed(seed).epochs(1).build(), classes, channels);
    }

    private static ComputationGraph graph(TrainingConfig config, int classes) throws Exception {
        return graph(config, classes, 3);
    }

    private static ComputationGraph graph(TrainingConfig config, int classes, int channels) throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, new InputShape(channels, 32, 32, classes), 1)
                .configuration());
        graph.init();
        return graph;
    }
}
