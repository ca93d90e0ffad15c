package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutions that call oneDNN themselves train as DL4J's own do: per preset, with and without batch norm, the
 * same gradients of every parameter, the same parameters after three SGD steps and the same outputs, within float
 * tolerance (the sums run in another order), and the same after a save and reload.
 *
 * <p>Deep batch-norm networks on 4 images of 32 pixels amplify rounding: their last stages normalise over a
 * handful of values, and a convolution's bias before a batch norm has a gradient that is zero but for rounding.
 * So each figure may also differ by 3 × the furthest DL4J's own path moves when its images are nudged by 1e-6 or
 * its weights each moved by one float rounding step, up or down at random: that stays near 1e-6 of the
 * largest value where a network does not amplify rounding, and reaches 150-230 % for vgg11's conv biases.
 *
 * <p>resnet34, resnet50 and googlenet run on 16 pixels to keep the test short (resnet18 has resnet34's blocks on 32).
 * resnet50 and googlenet check their parameters after the steps, outputs and resume, not each first gradient: a few of their deepest gradients turn on a ReLU or a max pool that rounding flips.
 * On 32 pixels, one rounding move of DL4J's own weights moved resnet50's conv103_W gradient by 0.141 (this path:
 * 0.146, of 0.827) and googlenet's conv169_W by 8.08e-4, exactly as far as this path; three other moves left
 * conv169_W in place, so a few moves do not bound such a gradient.
 */
class OneDnnConvolutionTest {

    private static final double NUDGE = 1e-6;
    private static final double NOISE_FACTOR = 3;
    /**
     * Relative, of the gradients, outputs and parameters: two float sums in another order through a deep batch-norm
     * network. DL4J's own path sums its convolutions with OpenBLAS's matrix products and this one with oneDNN's, and
     * how far apart they land depends on the CPU's kernels: on an Emerald Rapids CPU resnet18's conv18_W gradient
     * differed by 3.1e-4 of 0.54 with OpenBLAS's Prescott kernels, and with its SkylakeX kernels that one agreed while
     * resnet20's parameters after 3 steps differed by 6.2e-4 of 1.5; 1e-4 held on the CPUs before it. A wrong padding,
     * stride or gradient is off by the values themselves.
     */
    private static final double TOLERANCE = 1e-3;
    /** How many copies of the network with its weights a rounding apart measure DL4J's own noise (each costs a training). */
    private static final int ROUNDINGS = 1;

    /** @param eachGradient whether each parameter's first gradient is compared (see the class comment) */
    @ParameterizedTest(name = "{0}, side {1}, batch norm {2}")
    @CsvSource({"lenet5,32,true,2,true", "lenet5,32,false,2,true", "alexnet-cifar,32,true,4,true",
            "alexnet-cifar,32,false,4,true", "resnet20,32,true,21,true", "resnet18,32,true,20,true", "vgg11,32,true,8,true",
            "resnet34,16,true,36,true", "resnet50,16,true,53,false", "googlenet,16,true,55,false"})
    void trainsAsDl4jsOwnConvolutionsDo(String preset, int side, boolean batchNorm, int convolutions, boolean eachGradient)
            throws Exception {
        assertNull(OneDnnDevice.unavailable(), "the preset loads on the machines the tests run on");
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph direct = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(direct);
        ComputationGraph reference = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(reference); // the same layers, DL4J's arithmetic in them
        List<ComputationGraph> noise = new ArrayList<>();
        for (int variant = 0; variant <= ROUNDINGS; variant++) {
            ComputationGraph own = BatchNormFusionTest.copy(reference);
            ConvolutionBackprop.install(own); // DL4J's arithmetic again, on inputs a rounding apart
            if (variant > 0) {
                roundDifferently(own, variant);
            }
            noise.add(own);
        }
        ComputationGraph byDefault = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(byDefault);
        assertEquals(convolutions, OneDnnConvolution.install(byDefault), "on by default");
        assertEquals(convolutions, OneDnnConvolution.installOn(direct), preset + ": plain convolutions now call oneDNN");

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, reference, direct);
        for (int variant = 0; variant < noise.size(); variant++) {
            BatchNormFusionTest.computeGradients(variant == 0 ? nudge(data) : data, noise.get(variant), noise.get(variant));
        }
        if (eachGradient) {
            for (Map.Entry<String, INDArray> g : reference.gradient().gradientForVariable().entrySet()) {
                String name = g.getKey();
                assertClose(g.getValue(), direct.gradient().gradientForVariable().get(name),
                        noise.stream().map(n -> n.gradient().gradientForVariable().get(name)).toList(),
                        preset + " gradient of " + name, TOLERANCE);
            }
        }
        for (int step = 0; step < 3; step++) {
            MultiDataSet batch = BatchNormFusionTest.batch(side, 10 + step);
            reference.fit(batch);
            direct.fit(batch);
            for (int variant = 0; variant < noise.size(); variant++) {
                noise.get(variant).fit(variant == 0 ? nudge(batch) : batch);
            }
        }
        assertClose(reference.params(), direct.params(), noise.stream().map(ComputationGraph::params).toList(),
                preset + " parameters after 3 steps", TOLERANCE);
        assertClose(reference.outputSingle(data.getFeatures(0)), direct.outputSingle(data.getFeatures(0)),
                noise.stream().map(n -> n.outputSingle(data.getFeatures(0))).toList(), preset + " output", TOLERANCE);

        ComputationGraph resumed = BatchNormFusionTest.reload(direct);
        ConvolutionBackprop.install(resumed);
        assertEquals(convolutions, OneDnnConvolution.installOn(resumed));
        MultiDataSet next = BatchNormFusionTest.batch(side, 20);
        direct.fit(next);
        resumed.fit(next);
        assertClose(direct.params(), resumed.params(), List.of(direct.params()), preset + " parameters after the resume", TOLERANCE);
    }

    /**
     * Against the arithmetic both float paths approximate: the same network in float64 (DL4J's own layers, its
     * parameters the float ones widened). Each gradient and the output of the path that calls oneDNN are as close to
     * it as DL4J's own float path is, or within 3 times as far: a check that does not lean on DL4J's float path being
     * right.
     */
    @ParameterizedTest(name = "{0}, batch norm {1}")
    @CsvSource({"lenet5,false", "lenet5,true", "alexnet-cifar,true", "resnet20,true", "vgg11,true"})
    void isAsCloseToAFloat64ReferenceAsDl4jsOwnFloats(String preset, boolean batchNorm) throws Exception {
        int side = 32;
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph exact = stock.convertDataType(DataType.DOUBLE);
        ComputationGraph own = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(own);
        ComputationGraph direct = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(direct);
        assertTrue(OneDnnConvolution.installOn(direct) > 0, preset);

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, own, direct);
        exact.setInputs(data.getFeatures(0).castTo(DataType.DOUBLE));
        exact.setLabels(data.getLabels(0).castTo(DataType.DOUBLE));
        exact.computeGradientAndScore();

        Map<String, INDArray> reference = exact.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> g : reference.entrySet()) {
            assertAsClose(g.getValue(), own.gradient().gradientForVariable().get(g.getKey()),
                    direct.gradient().gradientForVariable().get(g.getKey()), preset + " gradient of " + g.getKey());
        }
        INDArray image = data.getFeatures(0);
        assertAsClose(exact.outputSingle(image.castTo(DataType.DOUBLE)), own.outputSingle(image), direct.outputSingle(image),
                preset + " output");
    }

    /** {@code direct} no further from the float64 {@code exact} than 3 × DL4J's float path is, or within 1e-5 of the largest value. */
    private static void assertAsClose(INDArray exact, INDArray own, INDArray direct, String what) {
        double scale = exact.amaxNumber().doubleValue();
        double ownError = distance(exact, own);
        double directError = distance(exact, direct);
        assertTrue(Double.isFinite(directError) && directError <= Math.max(NOISE_FACTOR * ownError, 1e-5 * Math.max(scale, 1e-3)),
                what + ": " + directError + " from float64 (largest value " + scale + "), DL4J's float path " + ownError);
    }

    private static MultiDataSet nudge(MultiDataSet data) {
        return new MultiDataSet(data.getFeatures(0).add(NUDGE), data.getLabels(0));
    }

    /**
     * Moves every parameter by one float rounding step, up or down at random: what summing in another order does to
     * a layer's output, given to every layer at once.
     */
    private static void roundDifferently(ComputationGraph graph, long seed) {
        INDArray params = graph.params();
        Nd4j.getRandom().setSeed(seed);
        INDArray step = Transforms.sign(Nd4j.rand(DataType.FLOAT, params.shape()).subi(0.5), false).muli(Math.ulp(1f));
        params.muli(step.addi(1));
    }

    /**
     * {@code actual} within the tolerance of {@code expected}, or within 3 × the furthest that DL4J's own path moves
     * from it under a rounding's worth of change ({@code noise}).
     */
    private static void assertClose(INDArray expected, INDArray actual, List<INDArray> noise, String what, double tolerance) {
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(Double.isFinite(scale), what + ": DL4J's own path gives " + scale);
        double diff = distance(expected, actual);
        double moves = noise.stream().mapToDouble(n -> distance(expected, n)).max().orElse(0);
        assertTrue(diff <= Math.max(tolerance * Math.max(1, scale), NOISE_FACTOR * moves),
                what + ": differs by " + diff + " (largest value " + scale + ", DL4J's own path moves " + moves
                        + " when its inputs or weights move by a rounding)");
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
