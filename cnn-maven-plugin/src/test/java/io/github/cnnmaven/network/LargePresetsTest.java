package io.github.cnnmaven.network;

import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seeds' larger networks: the papers' parameter counts, and every layer learns. */
class LargePresetsTest {

    static ComputationGraph graph(TrainingConfig config, InputShape input) throws Exception {
        ComputationGraph g = new ComputationGraph(NetworkBuilder.build(config, input, 1).configuration());
        g.init();
        return g;
    }

    /** Parameters a paper counts: batch norm's running mean and variance are state, not parameters. */
    static long trainable(ComputationGraph g) {
        long n = 0;
        for (Layer layer : g.getLayers()) {
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                if (!List.of("mean", "var", "log10stdev").contains(p.getKey())) {
                    n += p.getValue().length();
                }
            }
        }
        return n;
    }

    static final InputShape IMAGENET = new InputShape(3, 224, 224, 1000);

    @Test
    void alexnetHasItsPapersParameterCount() throws Exception {
        TrainingConfig c = TrainingConfig.builder().network("alexnet").batchNorm(false).build();
        assertEquals(61_100_840, trainable(graph(c, IMAGENET)));
    }

    @Test
    void resnetsHaveTheirPapersParameterCounts() throws Exception {
        assertEquals(25_557_032, trainable(graph(TrainingConfig.builder().network("resnet50").build(), IMAGENET)));
        assertEquals(21_797_672, trainable(graph(TrainingConfig.builder().network("resnet34").build(), IMAGENET)));
    }

    /**
     * 7,005,832: torchvision's 6,624,904 plus the 380,928 weights that its 3×3 convolutions in the "5×5"
     * branch lack against the paper's 5×5 ones (Σ c5r · c5 · 16 over the nine blocks).
     */
    @Test
    void googlenetWithoutAuxiliariesHasItsPapersCount() throws Exception {
        assertEquals(7_005_832, trainable(graph(TrainingConfig.builder().network("googlenet").build(), IMAGENET)));
        assertEquals(380_928, 16 * (16 * 32 + 32 * 96 + 16 * 48 + 24 * 64 + 24 * 64 + 32 * 64 + 32 * 128 + 32 * 128 + 48 * 128));
    }

    /** Small inputs: AlexNet leaves out the pools that would go below 1×1; the others take the CIFAR stem. */
    @ParameterizedTest
    @ValueSource(strings = {"alexnet", "resnet34", "resnet50", "googlenet"})
    void eachBuildsFor32PixelsAndATrainingStepChangesEveryLayer(String preset) throws Exception {
        TrainingConfig c = TrainingConfig.builder().network(preset).batchSize(2).build();
        ComputationGraph g = graph(c, new InputShape(3, 32, 32, 10));
        Map<String, INDArray> before = new HashMap<>();
        for (Layer layer : g.getLayers()) {
            if (layer.numParams() > 0) {
                before.put(layer.conf().getLayer().getLayerName(), layer.params().dup());
            }
        }
        Nd4j.getRandom().setSeed(1);
        INDArray features = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 10);
        labels.putScalar(0, 3, 1);
        labels.putScalar(1, 7, 1);
        g.fit(new DataSet(features, labels));
        for (Layer layer : g.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (before.containsKey(name)) {
                assertFalse(before.get(name).equalsWithEps(layer.params(), 0), preset + ": layer " + name + " did not change");
            }
        }
        assertTrue(before.size() > 5, preset + " has layers with weights");
    }

    @Test
    void pomLayersGainInceptionAndBottleneckBlocks() throws Exception {
        LayerSpec inception = LayerSpec.of("inception");
        inception.c1 = 16;
        inception.c3r = 8;
        inception.c3 = 16;
        inception.c5r = 4;
        inception.c5 = 8;
        inception.pool = 8;
        TrainingConfig c = TrainingConfig.builder().network(null).layers(List.of(LayerSpec.of("conv").filters(16),
                inception, LayerSpec.of("bottleneck").filters(8).stride(2), LayerSpec.of("globalavgpool"))).build().validate();
        ComputationGraph g = graph(c, new InputShape(3, 32, 32, 10));
        INDArray out = g.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32));
        assertEquals(10, out.length());
        NetworkBuilder.Built built = NetworkBuilder.build(c, new InputShape(3, 32, 32, 10), 1);
        assertTrue(built.rows().stream().anyMatch(r -> r.type().equals("Concat") && r.outputShape().equals("32x32x48")),
                "16 + 16 + 8 + 8 channels concatenated: " + built.rows());
        assertTrue(built.rows().stream().anyMatch(r -> r.type().equals("Add") && r.outputShape().equals("16x16x32")),
                "the bottleneck expands 8 to 32 channels at stride 2: " + built.rows());
    }
}
