package io.github.cnnmaven.peer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import java.util.List;
import java.util.Locale;

/**
 * The peer of the plugin's training benchmark: alexnet-cifar and resnet20, as the plugin builds them
 * (docs/configuration.md), in DJL on PyTorch's CPU build. Same batch (128), same random 32×32×3 data,
 * same optimiser (Adam at 0.001 with weight decay 5e-4), fp32, the thread count given; prints
 * {@code RESULT name value} lines as the plugin's side does, plus each network's trainable parameter
 * count so the two sides can be seen to build the same network.
 *
 * <p>Args: threads (default 2), then the networks to measure (default both). The plugin's benchmark runs
 * one JVM per network, as the plugin trains one network per JVM.
 */
public final class PeerBenchmark {

    private static final int BATCH = 128;
    private static final int CLASSES = 10;
    private static final SteadyWindow TRAINING = new SteadyWindow(2, 8, 10, 20);
    private static final SteadyWindow INFERENCE = new SteadyWindow(10, 3, 20, 10);

    private PeerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String threads = args.length > 0 ? args[0] : "2";
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        List<String> networks = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("alexnet-cifar", "resnet20");
        for (String network : networks) {
            measure(network, network.equals("alexnet-cifar") ? alexnetCifar() : resnet20());
        }
        System.out.println(String.format(Locale.ROOT, "RESULT peakRssMb %.1f", peakRssMb()));
    }

    private static void measure(String name, Block block) {
        try (Model model = Model.newInstance(name, Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).optWeightDecays(5e-4f)
                            .build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 3, 32, 32));
                System.out.println("RESULT " + name + ".params " + trainableParameters(block));
                NDManager manager = model.getNDManager();
                result(name + ".train", TRAINING.imagesPerSecond(() -> step(trainer, manager)));
                result(name + ".infer", INFERENCE.imagesPerSecond(() -> infer(trainer, manager)));
            }
        }
    }

    /**
     * The plugin side's rule (cnn-maven-plugin's benchmark SteadyWindow, which says why): a warm-up of
     * at least so many iterations and seconds, then images/s over a window of at least so many
     * iterations and seconds. Its own copy: this project does not depend on the plugin's test classes.
     */
    private record SteadyWindow(int warmUpIterations, double warmUpSeconds, int iterations, double seconds) {

        double imagesPerSecond(Runnable step) {
            long start = System.nanoTime();
            for (int i = 0; i < warmUpIterations || since(start) < warmUpSeconds; i++) {
                step.run();
            }
            long t0 = System.nanoTime();
            int n = 0;
            while (n < iterations || since(t0) < seconds) {
                step.run();
                n++;
            }
            return n * (double) BATCH / since(t0);
        }

        private static double since(long nanos) {
            return (System.nanoTime() - nanos) / 1e9;
        }
    }

    /** One training step on a fresh random batch; everything the step made is freed with its manager. */
    private static void step(Trainer trainer, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.randomUniform(0, 1, new Shape(BATCH, 3, 32, 32));
            NDArray y = step.arange(0, BATCH, 1, DataType.INT64).mod(CLASSES);
            try (GradientCollector gradients = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(x));
                gradients.backward(trainer.getLoss().evaluate(new NDList(y), out));
            }
            trainer.step();
        }
    }

    private static void infer(Trainer trainer, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            trainer.evaluate(new NDList(step.randomUniform(0, 1, new Shape(BATCH, 3, 32, 32)))).head().toFloatArray();
        }
    }

    private static long trainableParameters(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** conv3-64, pool, conv3-128, pool, conv3-256, conv1-64 (unpadded, each with BN and ReLU), fc384, fc192 (dropout 0.2), out. */
    static Block alexnetCifar() {
        SequentialBlock net = new SequentialBlock();
        convBnRelu(net, 64, 3, 1, 0);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        convBnRelu(net, 128, 3, 1, 0);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        convBnRelu(net, 256, 3, 1, 0);
        convBnRelu(net, 64, 1, 1, 0);
        net.add(Blocks.batchFlattenBlock());
        for (int units : new int[] {384, 192}) {
            net.add(Linear.builder().setUnits(units).build());
            net.add(Activation.reluBlock());
            net.add(Dropout.builder().optRate(0.2f).build());
        }
        net.add(Linear.builder().setUnits(CLASSES).build());
        return net;
    }

    /** The CIFAR ResNet-20: a 3×3 stem of 16, three stages of three basic blocks (16, 32, 64), projection shortcuts, global average pool. */
    static Block resnet20() {
        SequentialBlock net = new SequentialBlock();
        convBnRelu(net, 16, 3, 1, 1);
        int channels = 16;
        for (int filters : new int[] {16, 32, 64}) {
            for (int b = 0; b < 3; b++) {
                int stride = filters != 16 && b == 0 ? 2 : 1;
                net.add(basicBlock(filters, stride, stride != 1 || channels != filters));
                channels = filters;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Linear.builder().setUnits(CLASSES).build());
        return net;
    }

    private static Block basicBlock(int filters, int stride, boolean projection) {
        SequentialBlock main = new SequentialBlock();
        convBnRelu(main, filters, 3, stride, 1);
        main.add(conv(filters, 3, 1, 1));
        main.add(BatchNorm.builder().build());
        Block shortcut;
        if (projection) {
            SequentialBlock p = new SequentialBlock();
            p.add(conv(filters, 1, stride, 0));
            p.add(BatchNorm.builder().build());
            shortcut = p;
        } else {
            shortcut = Blocks.identityBlock();
        }
        SequentialBlock block = new SequentialBlock();
        block.add(new ParallelBlock(branches -> new NDList(branches.get(0).singletonOrThrow()
                .add(branches.get(1).singletonOrThrow())), List.of(main, shortcut)));
        block.add(Activation.reluBlock());
        return block;
    }

    private static void convBnRelu(SequentialBlock net, int filters, int k, int stride, int padding) {
        net.add(conv(filters, k, stride, padding));
        net.add(BatchNorm.builder().build());
        net.add(Activation.reluBlock());
    }

    /** With a bias, as the plugin's convolutions have. */
    private static Block conv(int filters, int k, int stride, int padding) {
        return Conv2d.builder().setKernelShape(new Shape(k, k)).setFilters(filters).optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding)).optBias(true).build();
    }

    private static void result(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.1f", name, value));
    }

    private static double peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
