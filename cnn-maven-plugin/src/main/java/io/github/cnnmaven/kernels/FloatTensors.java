package io.github.cnnmaven.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.nio.FloatBuffer;

/** How the plugin's Java kernels reach an ND4J float array's values. */
final class FloatTensors {

    private FloatTensors() {
    }

    /** The array itself when its values are one C-ordered run from its buffer's start, else such a copy. */
    static INDArray contiguous(INDArray x) {
        return isContiguous(x) ? x : x.dup('c');
    }

    /**
     * {@link #contiguous}, for a tensor that may hold oneDNN's blocked layout: a blocked one must already be one run (a
     * copy in NCHW order would scramble it).
     */
    static INDArray whole(INDArray x, boolean blocked) {
        if (blocked && !isContiguous(x)) {
            throw new IllegalStateException("A blocked tensor must be a whole array of its own, not " + x.shapeInfoToString());
        }
        return contiguous(x);
    }

    /** Whether the array's values are one C-ordered run from its buffer's start. */
    static boolean isContiguous(INDArray x) {
        // The strides, not only the flags: a permuted array (what DL4J's convolution returns without
        // oneDNN) can be flagged C-ordered and not a view while its memory runs in another order.
        return x.ordering() == 'c' && !x.isView() && x.offset() == 0 && Shape.hasDefaultStridesForShape(x);
    }

    /** The values of a {@link #contiguous} array, read and written in place. */
    static FloatBuffer buffer(INDArray x) {
        return x.data().asNioFloat();
    }
}
