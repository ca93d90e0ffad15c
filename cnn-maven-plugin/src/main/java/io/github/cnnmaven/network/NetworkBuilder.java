package io.github.cnnmaven.network;

import io.github.cnnmaven.training.schedule.Schedules;
import io.github.cnnmaven.output.ModelSummary;

import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.Preset;
import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.exception.DL4JInvalidConfigException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the DL4J computation graph for a preset or a POM-declared layer list, sized from the
 * dataset's input shape and class count, with the optimiser, schedule and regularisation of the
 * configuration. Shapes are computed as layers are added, so an impossible network fails here with
 * the name of the offending layer rather than deep inside DL4J.
 */
public final class NetworkBuilder {

    /** A graph configuration plus what the summary needs (output shape and multiply-adds per layer). */
    public record Built(ComputationGraphConfiguration configuration, List<ModelSummary.LayerRow> rows) {

        /** The summary of an initialised graph: parameter counts come from DL4J itself. */
        public ModelSummary summarize(ComputationGraph graph) {
            List<ModelSummary.LayerRow> withParams = new ArrayList<>();
            long macs = 0;
            for (ModelSummary.LayerRow r : rows) {
                org.deeplearning4j.nn.api.Layer layer = graph.getLayer(r.name());
                long params = layer == null ? 0 : layer.numParams();
                withParams.add(new ModelSummary.LayerRow(r.name(), r.type(), r.outputShape(), params, r.multiplyAdds()));
                macs += r.multiplyAdds();
            }
            return new ModelSummary(withParams, graph.numParams(), macs);
        }
    }

    private NetworkBuilder() {
    }

    public static Built build(TrainingConfig config, InputShape input, int iterationsPerEpoch) throws NetworkDefinitionException {
        return build(config, input, iterationsPerEpoch, true);
    }

    /**
     * Checks that every layer fits the input, as {@link #build} does, without anything that needs the
     * ND4J backend: Maven's own JVM has none (the forked JVM gets it), and this runs there, before
     * any download. The DL4J configuration builder seeds ND4J's random generator, so the check stops
     * short of it and of the final graph assembly.
     */
    public static void check(TrainingConfig config, InputShape input) throws NetworkDefinitionException {
        build(config, input, 1, false);
    }

    private static Built build(TrainingConfig config, InputShape input, int iterationsPerEpoch, boolean complete)
            throws NetworkDefinitionException {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder();
        if (complete) {
            base.seed(config.seed()).weightInit(WeightInit.RELU).updater(updater(config, iterationsPerEpoch));
        }
        if (config.weightDecay() > 0) {
            if (config.optimizer().decouplesWeightDecay()) {
                base.weightDecay(config.weightDecay(), true); // decoupled, scaled by the learning rate
            } else {
                base.l2(config.weightDecay());
            }
        }
        if (config.gradientClip() > 0) {
            // DL4J clips per layer; there is no global-norm clipping in M2.1.
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(config.gradientClip());
        }
        Graph g = new Graph(base.graphBuilder(), input, config);
        if (config.layers() != null && !config.layers().isEmpty()) {
            custom(g, config.layers());
        } else {
            preset(g, config);
        }
        g.output(input.classes());
        return complete ? new Built(g.builder.build(), g.rows) : null;
    }

    static IUpdater updater(TrainingConfig c, int iterationsPerEpoch) {
        return c.optimizer().updater(Schedules.learningRate(c, iterationsPerEpoch), Schedules.momentum(c, iterationsPerEpoch),
                c.momentum());
    }

    private static void preset(Graph g, TrainingConfig c) throws NetworkDefinitionException {
        int k = c.kernelSize();
        Preset preset = c.preset();
        if (preset == null) {
            throw new NetworkDefinitionException("Unknown network preset '" + c.network() + "' (cnn.network)");
        }
        // no default branch: a preset added to the enum without its layers does not compile
        switch (preset) {
            case LENET5 -> {
                g.convBlock(6, k, 1);
                g.pool(2);
                g.convBlock(16, k, 1);
                g.pool(2);
                g.dense(120, null);
                g.dense(84, c.dropout());
            }
            case ALEXNET_CIFAR -> {
                // The classic cuda-convnet-sized network, unpadded as it was: on 32×32×3 it has 857,738
                // trainable parameters and 19.46 M multiply-adds per image.
                g.convBlock(64, k, 1, ConvolutionMode.Truncate);
                g.subsample(PoolingType.MAX, 2, 2, ConvolutionMode.Truncate);
                g.convBlock(128, k, 1, ConvolutionMode.Truncate);
                g.subsample(PoolingType.MAX, 2, 2, ConvolutionMode.Truncate);
                g.convBlock(256, k, 1, ConvolutionMode.Truncate);
                g.convBlock(64, 1, 1, ConvolutionMode.Truncate);
                g.dense(384, rate(c));
                g.dense(192, rate(c));
            }
            case VGG11, VGG13, VGG16, VGG19 -> {
                for (int[] stage : vggStages(preset)) {
                    for (int i = 0; i < stage[1]; i++) {
                        g.convBlock(stage[0], k, 1);
                    }
                    g.pool(2);
                }
                g.dense(512, rate(c));
            }
            case NIN -> {
                g.convBlock(192, 5, 1);
                g.convBlock(160, 1, 1);
                g.convBlock(96, 1, 1);
                g.pool(3, 2);
                g.dropout(rate(c));
                g.convBlock(192, 5, 1);
                g.convBlock(192, 1, 1);
                g.convBlock(192, 1, 1);
                g.pool(3, 2);
                g.dropout(rate(c));
                g.convBlock(192, 3, 1);
                g.convBlock(192, 1, 1);
                g.convBlock(g.classes, 1, 1);
                g.globalAvgPool();
            }
            case RESNET20, RESNET32, RESNET44, RESNET56, RESNET110 -> resnet(g, new int[] {16, 32, 64},
                    (cifarResnetDepth(c.preset()) - 2) / 6, 16, c.dropout());
            case RESNET18 -> resnet(g, new int[] {64, 128, 256, 512}, 2, 64, c.dropout());
            case ALEXNET -> alexnet(g, c);
            case RESNET34 -> imagenetResnet(g, new int[] {3, 4, 6, 3}, false, c.dropout());
            case RESNET50 -> imagenetResnet(g, new int[] {3, 4, 6, 3}, true, c.dropout());
            case GOOGLENET -> googlenet(g, c);
        }
    }

    /** cnn.dropout, or the preset's default rate. */
    private static Double rate(TrainingConfig c) {
        return c.dropout() != null ? c.dropout() : c.preset().defaultDropout();
    }

    private static List<int[]> vggStages(Preset vgg) {
        int[] repeats = switch (vgg) {
            case VGG11 -> new int[] {1, 1, 2, 2, 2};
            case VGG13 -> new int[] {2, 2, 2, 2, 2};
            case VGG16 -> new int[] {2, 2, 3, 3, 3};
            case VGG19 -> new int[] {2, 2, 4, 4, 4};
            default -> throw new IllegalArgumentException(vgg + " is not a VGG");
        };
        int[] filters = {64, 128, 256, 512, 512};
        List<int[]> stages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stages.add(new int[] {filters[i], repeats[i]});
        }
        return stages;
    }

    /** The depth a CIFAR ResNet preset names: 20, 32, 44, 56 or 110 (6n+2 for n blocks per stage). */
    static int cifarResnetDepth(Preset preset) {
        return Integer.parseInt(preset.id().substring("resnet".length()));
    }

    /** CIFAR ResNets (He et al. 2016): a 3×3 stem, stages of basic blocks, global average pooling. */
    private static void resnet(Graph g, int[] stageFilters, int blocksPerStage, int stem, Double dropout)
            throws NetworkDefinitionException {
        g.convBlock(stem, 3, 1);
        for (int s = 0; s < stageFilters.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                g.basicBlock(stageFilters[s], s > 0 && b == 0 ? 2 : 1, ConvStyle.CIFAR);
            }
        }
        g.globalAvgPool();
        if (dropout != null && dropout > 0) {
            g.dropout(dropout);
        }
    }

    /**
     * AlexNet as torchvision has it: 11×11/4 conv with 64 filters, 3×3/2 max pool, 5×5 with 192, then
     * 3×3 with 384, 256 and 256, dropout, two dense layers of 4096 and the classifier (61,100,840
     * parameters for 1,000 classes at 224×224). A pool that would shrink the map below 1×1 is left out,
     * so 32×32 input works, as the write-up trains it.
     */
    private static void alexnet(Graph g, TrainingConfig c) throws NetworkDefinitionException {
        g.convBnRelu(64, 11, 4, 2);
        g.poolIfFits(3, 2);
        g.convBnRelu(192, 5, 1, 2);
        g.poolIfFits(3, 2);
        g.convBnRelu(384, 3, 1, 1);
        g.convBnRelu(256, 3, 1, 1);
        g.convBnRelu(256, 3, 1, 1);
        g.poolIfFits(3, 2);
        g.dropout(rate(c));
        g.dense(4096, rate(c));
        g.dense(4096, null);
    }

    /**
     * ResNet-34 (basic blocks) and ResNet-50 (bottleneck blocks, 4× expansion) as He et al. give them:
     * stages of 3, 4, 6 and 3 blocks of 64 to 512 channels, a projection shortcut where a block changes
     * the shape. Inputs of 64 pixels and more get the ImageNet stem (7×7/2 conv, 3×3/2 max pool), smaller
     * ones the CIFAR stem (one 3×3 conv). Convolutions followed by batch norm have no bias, as in the
     * paper (ResNet-50: 25,557,032 parameters for 1,000 classes).
     */
    private static void imagenetResnet(Graph g, int[] blocks, boolean bottleneck, Double dropout)
            throws NetworkDefinitionException {
        if (g.height() >= 64) {
            g.convBnRelu(64, 7, 2, 3);
            g.maxPool(3, 2, 1);
        } else {
            g.convBnRelu(64, 3, 1, 1);
        }
        int[] widths = {64, 128, 256, 512};
        for (int s = 0; s < blocks.length; s++) {
            for (int b = 0; b < blocks[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                if (bottleneck) {
                    g.bottleneck(widths[s], stride);
                } else {
                    g.basicBlock(widths[s], stride, ConvStyle.IMAGENET);
                }
            }
        }
        g.globalAvgPool();
        if (dropout != null && dropout > 0) {
            g.dropout(dropout);
        }
    }

    /**
     * GoogLeNet (Inception v1, Szegedy et al.) without the auxiliary classifiers: the stem, nine
     * Inception blocks (1×1 reductions before the 3×3 and 5×5 convolutions, a pooled branch,
     * concatenated), global average pooling, dropout 0.4. Below 64 pixels the stem is one 3×3 conv and
     * the first pools go, as CIFAR versions of it do.
     */
    private static void googlenet(Graph g, TrainingConfig c) throws NetworkDefinitionException {
        if (g.height() >= 64) {
            g.convBnRelu(64, 7, 2, 3);
            g.maxPool(3, 2, 1);
            g.convBnRelu(64, 1, 1, 0);
            g.convBnRelu(192, 3, 1, 1);
            g.maxPool(3, 2, 1);
        } else {
            g.convBnRelu(192, 3, 1, 1);
        }
        g.inception(64, 96, 128, 16, 32, 32);
        g.inception(128, 128, 192, 32, 96, 64);
        g.maxPool(3, 2, 1);
        g.inception(192, 96, 208, 16, 48, 64);
        g.inception(160, 112, 224, 24, 64, 64);
        g.inception(128, 128, 256, 24, 64, 64);
        g.inception(112, 144, 288, 32, 64, 64);
        g.inception(256, 160, 320, 32, 128, 128);
        g.maxPool(3, 2, 1);
        g.inception(256, 160, 320, 32, 128, 128);
        g.inception(384, 192, 384, 48, 128, 128);
        g.globalAvgPool();
        g.dropout(rate(c));
    }

    private static void custom(Graph g, List<LayerSpec> layers) throws NetworkDefinitionException {
        for (LayerSpec l : layers) {
            g.currentSpec = l;
            switch (l.normalizedType()) {
                case "conv" -> g.conv(l.filters, l.kernel != null ? l.kernel : g.config.kernelSize(), l.stride != null ? l.stride : 1,
                        mode(l.padding, ConvolutionMode.Same), activation(l.activation));
                case "maxpool", "avgpool" -> {
                    int k = l.kernel != null ? l.kernel : 2;
                    g.subsample(l.normalizedType().equals("maxpool") ? PoolingType.MAX : PoolingType.AVG, k,
                            l.stride != null ? l.stride : k, mode(l.padding, ConvolutionMode.Truncate));
                }
                case "batchnorm" -> g.batchNorm();
                case "dropout" -> g.dropout(l.rate);
                case "dense" -> g.denseLayer(l.units, activation(l.activation));
                case "globalavgpool" -> g.globalAvgPool();
                case "residual" -> g.basicBlock(l.filters, l.stride != null ? l.stride : 1, ConvStyle.CIFAR);
                case "bottleneck" -> g.bottleneck(l.filters, l.stride != null ? l.stride : 1);
                case "inception" -> g.inception(l.c1, l.c3r, l.c3, l.c5r, l.c5, l.pool);
                default -> throw new NetworkDefinitionException("Unknown layer type '" + l.type + "'");
            }
        }
        g.currentSpec = null;
    }

    private static ConvolutionMode mode(String padding, ConvolutionMode fallback) {
        if (padding == null) {
            return fallback;
        }
        return padding.trim().equalsIgnoreCase("valid") ? ConvolutionMode.Truncate : ConvolutionMode.Same;
    }

    private static Activation activation(String name) throws NetworkDefinitionException {
        if (name == null) {
            return Activation.RELU;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "relu" -> Activation.RELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "tanh" -> Activation.TANH;
            case "identity", "linear", "none" -> Activation.IDENTITY;
            default -> throw new NetworkDefinitionException("Unknown activation '" + name + "': use relu, leakyrelu, tanh or identity");
        };
    }

    /**
     * How a ResNet block lays its convolutions. CIFAR: "same" convolutions with a bias, batch norm always
     * (the CIFAR ResNets and the {@code residual} layer, as first built here). IMAGENET: as He et al. give
     * ResNet-34/50, padded, no bias before batch norm, batch norm as {@code cnn.batchNorm} says. Both stay:
     * changing either would change the layers of models already trained.
     */
    private enum ConvStyle { CIFAR, IMAGENET }

    /** Adds layers one after the other, tracking the current vertex and its output type. */
    private static final class Graph {
        final ComputationGraphConfiguration.GraphBuilder builder;
        final TrainingConfig config;
        final int classes;
        final List<ModelSummary.LayerRow> rows = new ArrayList<>();
        String last = "input";
        InputType type;
        int counter;
        LayerSpec currentSpec;

        Graph(ComputationGraphConfiguration.GraphBuilder builder, InputShape input, TrainingConfig config) {
            this.builder = builder;
            this.config = config;
            this.classes = input.classes();
            this.type = InputType.convolutional(input.height(), input.width(), input.channels());
            builder.addInputs("input").setInputTypes(type);
        }

        String name(String kind) {
            return kind + (++counter);
        }

        /** Adds a layer after {@code from}, computing and checking its output type. */
        String add(String kind, Layer layer, long macs, String... from) throws NetworkDefinitionException {
            String name = name(kind);
            InputType in = type;
            InputType out;
            try {
                if (in.getType() == InputType.Type.CNN && (layer instanceof DenseLayer || layer instanceof OutputLayer)) {
                    InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) in;
                    in = InputType.feedForward(c.getChannels() * c.getHeight() * c.getWidth());
                }
                layer.setNIn(in, true);
                out = layer.getOutputType(counter, in);
            } catch (DL4JInvalidConfigException | IllegalStateException | IllegalArgumentException e) {
                throw impossible(name, in, e.getMessage());
            }
            if (out instanceof InputType.InputTypeConvolutional c && (c.getHeight() < 1 || c.getWidth() < 1)) {
                throw impossible(name, in, "its output would be " + c.getHeight() + "x" + c.getWidth());
            }
            builder.addLayer(name, layer, from.length == 0 ? new String[] {last} : from);
            rows.add(new ModelSummary.LayerRow(name, layer.getClass().getSimpleName(), shape(out), 0, macs));
            last = name;
            type = out;
            return name;
        }

        NetworkDefinitionException impossible(String name, InputType in, String why) {
            String declared = currentSpec == null ? "" : " (the <layer> of type '" + currentSpec.type + "')";
            return new NetworkDefinitionException("Layer " + name + declared + " cannot take input " + shape(in) + ": " + why
                    + ". Remove a pooling/stride-2 layer, use a smaller kernel or padding=same, or a larger cnn.imageSize.");
        }

        static String shape(InputType t) {
            if (t instanceof InputType.InputTypeConvolutional c) {
                return c.getHeight() + "x" + c.getWidth() + "x" + c.getChannels();
            }
            if (t instanceof InputType.InputTypeFeedForward f) {
                return String.valueOf(f.getSize());
            }
            return t.toString();
        }

        long channels() {
            return ((InputType.InputTypeConvolutional) type).getChannels();
        }

        String conv(int filters, int k, int stride, ConvolutionMode mode, Activation activation) throws NetworkDefinitionException {
            return conv(filters, k, stride, mode, 0, true, activation);
        }

        /** A convolution; {@code pad} pixels of zero padding (with Truncate), a bias unless batch norm follows. */
        String conv(int filters, int k, int stride, ConvolutionMode mode, int pad, boolean bias, Activation activation)
                throws NetworkDefinitionException {
            requireCnn("conv");
            requireFits(mode, k, pad, "conv");
            long inC = channels();
            ConvolutionLayer layer = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(pad, pad).nOut(filters)
                    .convolutionMode(mode).hasBias(bias).activation(activation).build();
            String name = add("conv", layer, 0);
            InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) type;
            long macs = out.getHeight() * out.getWidth() * filters * (long) k * k * inC;
            ModelSummary.LayerRow r = rows.remove(rows.size() - 1);
            rows.add(new ModelSummary.LayerRow(r.name(), r.type(), r.outputShape(), 0, macs));
            return name;
        }

        long height() {
            return ((InputType.InputTypeConvolutional) type).getHeight();
        }

        /** conv (no bias) → batch norm, as the papers' blocks have it; with cnn.batchNorm off, a conv with a bias. */
        void convBn(int filters, int k, int stride, int pad) throws NetworkDefinitionException {
            if (config.batchNorm()) {
                conv(filters, k, stride, ConvolutionMode.Truncate, pad, false, Activation.IDENTITY);
                batchNorm();
            } else {
                conv(filters, k, stride, ConvolutionMode.Truncate, pad, true, Activation.IDENTITY);
            }
        }

        void convBnRelu(int filters, int k, int stride, int pad) throws NetworkDefinitionException {
            convBn(filters, k, stride, pad);
            relu();
        }

        void maxPool(int k, int stride, int pad) throws NetworkDefinitionException {
            requireCnn("pooling");
            requireFits(ConvolutionMode.Truncate, k, pad, "maxpool");
            add("maxpool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(k, k).stride(stride, stride)
                    .padding(pad, pad).convolutionMode(ConvolutionMode.Truncate).build(), 0);
        }

        /** A k×k max pool, left out when the map is smaller than its window (small inputs in large networks). */
        void poolIfFits(int k, int stride) throws NetworkDefinitionException {
            InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) type;
            if (c.getHeight() >= k && c.getWidth() >= k) {
                maxPool(k, stride, 0);
            }
        }

        /** Where the graph is: the vertex the next layer follows, and its output type. */
        record Cursor(String vertex, InputType type) {
        }

        Cursor cursor() {
            return new Cursor(last, type);
        }

        /** Starts a branch at {@code from}: the next layer follows it (a block's second path, a shortcut). */
        void branch(Cursor from) {
            last = from.vertex();
            type = from.type();
        }

        /** A conv → batch norm in the given style. */
        void convBn(ConvStyle style, int filters, int k, int stride, int pad) throws NetworkDefinitionException {
            if (style == ConvStyle.CIFAR) {
                conv(filters, k, stride, ConvolutionMode.Same, Activation.IDENTITY);
                batchNorm();
            } else {
                convBn(filters, k, stride, pad);
            }
        }

        /**
         * ResNet's basic block (the CIFAR ResNets' and ResNet-34's, and the {@code residual} layer): two 3×3
         * conv → BN, a projection shortcut (1×1 conv → BN) where the shape changes.
         */
        void basicBlock(int filters, int stride, ConvStyle style) throws NetworkDefinitionException {
            requireCnn("residual block");
            Cursor input = cursor();
            convBn(style, filters, 3, stride, 1);
            relu();
            convBn(style, filters, 3, 1, 1);
            addShortcut(input, filters, stride, style);
        }

        /** ResNet's bottleneck block: 1×1 (width), 3×3 (width, the stride), 1×1 (4 × width), each with BN. */
        void bottleneck(int width, int stride) throws NetworkDefinitionException {
            requireCnn("bottleneck block");
            Cursor input = cursor();
            convBnRelu(width, 1, 1, 0);
            convBnRelu(width, 3, stride, 1);
            convBn(4 * width, 1, 1, 0);
            addShortcut(input, 4 * width, stride, ConvStyle.IMAGENET);
        }

        /**
         * Adds the block's input to its output (the current vertex), then ReLU: the input itself, or a
         * projection of it (1×1 conv → BN) where the block changes the shape.
         */
        private void addShortcut(Cursor input, int filters, int stride, ConvStyle style) throws NetworkDefinitionException {
            Cursor main = cursor();
            String shortcut = input.vertex();
            if (stride != 1 || ((InputType.InputTypeConvolutional) input.type()).getChannels() != filters) {
                branch(input);
                convBn(style, filters, 1, stride, 0);
                shortcut = last;
            }
            String sum = name("add");
            builder.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), main.vertex(), shortcut);
            rows.add(new ModelSummary.LayerRow(sum, "Add", shape(main.type()), 0, 0));
            branch(new Cursor(sum, main.type()));
            relu();
        }

        /**
         * GoogLeNet's Inception block: four branches on the same input, concatenated on channels — a 1×1
         * conv; a 1×1 reduction then a 3×3; a 1×1 reduction then a 5×5; a 3×3/1 max pool then a 1×1.
         */
        void inception(int c1, int c3r, int c3, int c5r, int c5, int poolProjection) throws NetworkDefinitionException {
            requireCnn("inception block");
            Cursor input = cursor();
            List<String> ends = new ArrayList<>();
            convBnRelu(c1, 1, 1, 0);
            ends.add(last);
            branch(input);
            convBnRelu(c3r, 1, 1, 0);
            convBnRelu(c3, 3, 1, 1);
            ends.add(last);
            branch(input);
            convBnRelu(c5r, 1, 1, 0);
            convBnRelu(c5, 5, 1, 2);
            ends.add(last);
            branch(input);
            maxPool(3, 1, 1);
            convBnRelu(poolProjection, 1, 1, 0);
            ends.add(last);
            InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) input.type();
            InputType out = InputType.convolutional(in.getHeight(), in.getWidth(), c1 + c3 + c5 + poolProjection);
            String concat = name("inception");
            builder.addVertex(concat, new MergeVertex(), ends.toArray(new String[0]));
            rows.add(new ModelSummary.LayerRow(concat, "Concat", shape(out), 0, 0));
            branch(new Cursor(concat, out));
        }

        /** conv ("same" padding) → batch norm (when cnn.batchNorm) → ReLU. */
        void convBlock(int filters, int k, int stride) throws NetworkDefinitionException {
            convBlock(filters, k, stride, ConvolutionMode.Same);
        }

        void convBlock(int filters, int k, int stride, ConvolutionMode mode) throws NetworkDefinitionException {
            if (config.batchNorm()) {
                conv(filters, k, stride, mode, Activation.IDENTITY);
                batchNorm();
                relu();
            } else {
                conv(filters, k, stride, mode, Activation.RELU);
            }
        }

        void batchNorm() throws NetworkDefinitionException {
            add("bn", new BatchNormalization.Builder().build(), 0);
        }

        void relu() throws NetworkDefinitionException {
            add("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), 0);
        }

        void pool(int k) throws NetworkDefinitionException {
            pool(k, k);
        }

        void pool(int k, int stride) throws NetworkDefinitionException {
            // Presets pool with "same" padding, so they fit any input size (28×28 as well as 32×32).
            subsample(PoolingType.MAX, k, stride, ConvolutionMode.Same);
        }

        void subsample(PoolingType pooling, int k, int stride, ConvolutionMode mode) throws NetworkDefinitionException {
            requireCnn("pooling");
            requireFits(mode, k, pooling == PoolingType.MAX ? "maxpool" : "avgpool");
            add(pooling == PoolingType.MAX ? "maxpool" : "avgpool", new SubsamplingLayer.Builder(pooling)
                    .kernelSize(k, k).stride(stride, stride).convolutionMode(mode).build(), 0);
        }

        void dropout(Double rate) throws NetworkDefinitionException {
            if (rate != null && rate > 0) {
                add("dropout", new DropoutLayer.Builder(1 - rate).build(), 0); // DL4J takes the retain probability
            }
        }

        void dense(int units, Double dropoutAfter) throws NetworkDefinitionException {
            denseLayer(units, Activation.RELU);
            dropout(dropoutAfter);
        }

        void denseLayer(int units, Activation activation) throws NetworkDefinitionException {
            long in = inputSize();
            add("dense", new DenseLayer.Builder().nOut(units).activation(activation).build(), in * units);
        }

        void globalAvgPool() throws NetworkDefinitionException {
            requireCnn("global pooling");
            add("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), 0);
        }

        void output(int classes) throws NetworkDefinitionException {
            long in = inputSize();
            add("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                    .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), in * classes);
            builder.setOutputs(last);
        }

        long inputSize() {
            if (type instanceof InputType.InputTypeConvolutional c) {
                return c.getChannels() * c.getHeight() * c.getWidth();
            }
            return ((InputType.InputTypeFeedForward) type).getSize();
        }

        /** Without padding a window larger than its input has no valid position (DL4J would silently clamp). */
        void requireFits(ConvolutionMode mode, int k, String kind) throws NetworkDefinitionException {
            requireFits(mode, k, 0, kind);
        }

        void requireFits(ConvolutionMode mode, int k, int pad, String kind) throws NetworkDefinitionException {
            InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) type;
            if (mode == ConvolutionMode.Truncate && (c.getHeight() + 2L * pad < k || c.getWidth() + 2L * pad < k)) {
                throw impossible(kind + (counter + 1), type, "a " + k + "x" + k + " window" + (pad == 0 ? " without padding"
                        : " with padding " + pad) + " needs at least " + (k - 2 * pad) + "x" + (k - 2 * pad)
                        + " input (it would go below 1x1)");
            }
        }

        void requireCnn(String what) throws NetworkDefinitionException {
            if (!(type instanceof InputType.InputTypeConvolutional)) {
                String declared = currentSpec == null ? "" : " (the <layer> of type '" + currentSpec.type + "')";
                throw new NetworkDefinitionException("Layer " + (counter + 1) + declared + ": a " + what
                        + " layer needs image input, but it follows a dense or global pooling layer with output " + shape(type));
            }
        }
    }
}
