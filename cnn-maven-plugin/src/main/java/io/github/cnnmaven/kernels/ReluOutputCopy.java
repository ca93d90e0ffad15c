package io.github.cnnmaven.kernels;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The output of a convolution or dense layer whose activation is DL4J's plain ReLU, copied in its
 * training forward pass for its backward pass. DL4J computes such a layer's output a second time in
 * the backward pass, only to hand the pre-activation {@code z} to the ReLU's derivative, which reads
 * no more than where {@code z > 0}: exactly where the output {@code max(z, 0)} is positive. A copy
 * costs one pass over the output where the second forward pass cost a convolution or a matrix
 * product. A copy, not the output itself, because the next layer's dropout may overwrite its input
 * in place; outside the workspaces, which the graph reuses, and kept from step to step while the
 * shape stays.
 */
final class ReluOutputCopy {

    private INDArray copy;
    /** Whether the last forward pass was a training one, whose output the copy holds. */
    private boolean current;
    private boolean inBackward;

    /** After each forward pass: copies a training pass's output; an inference pass leaves nothing to use. */
    INDArray afterForward(boolean training, INDArray output) {
        current = training;
        if (training) {
            if (copy == null || !Arrays.equals(copy.shape(), output.shape()) || copy.dataType() != output.dataType()) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    copy = Nd4j.createUninitialized(output.dataType(), output.shape(), 'c');
                }
            }
            copy.assign(output);
        }
        return output;
    }

    /** Runs the layer's backward pass, during which {@link #standIn} answers. */
    <T> T backward(Supplier<T> backwardPass) {
        inBackward = true;
        try {
            return backwardPass.get();
        } finally {
            inBackward = false;
        }
    }

    /**
     * What the backward pass hands the ReLU's derivative in place of {@code z}, as the first of the
     * pair DL4J's output computation returns; {@code null} outside the backward pass or when there
     * is no training output to stand in (DL4J then computes as it always does).
     */
    Pair<INDArray, INDArray> standIn(boolean forBackprop) {
        return forBackprop && inBackward && current ? new Pair<>(copy, null) : null;
    }

    /** The copy itself, for tests. */
    INDArray copy() {
        return copy;
    }
}
