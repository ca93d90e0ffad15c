package io.github.cnnmaven.network;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The plugin's faster layer objects for a network about to train on the CPU: the fused batch norm
 * ({@link BatchNormFusion}) and convolutions without a second forward pass in their backward pass
 * ({@link ConvolutionBackprop}). Training, the learning-rate finder and the benchmarks all install
 * exactly this, so they measure the same arithmetic.
 */
public final class TrainingLayers {

    /** What was installed, for the training log. */
    public record Installed(BatchNormFusion.Installed batchNorm, int convolutions) {
        public String describe() {
            return "fused batch norm " + batchNorm.describe() + ", convolution backward pass "
                    + (convolutions > 0 ? "without recomputing the output on " + convolutions + " layers"
                    : "as DL4J's" + (ConvolutionBackprop.enabled() ? "" : " (" + ConvolutionBackprop.SWITCH + "=false)"));
        }
    }

    private TrainingLayers() {
    }

    public static Installed install(ComputationGraph graph) {
        return new Installed(BatchNormFusion.install(graph), ConvolutionBackprop.install(graph));
    }
}
