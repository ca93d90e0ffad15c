package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A tensor of one shape from one oneDNN layout into another, inside DL4J's arrays: where a blocked tensor meets a layer
 * that reads NCHW or NHWC, and the gradient on its way back. The primitive is made once; each call points both memories
 * at that call's arrays.
 */
final class LayoutReorder extends OneDnnShape {
    private final memory source;
    private final memory target;
    private final reorder reorder;

    /** @param dims oneDNN's N, C, H, W */
    LayoutReorder(long[] dims, memory.format_tag from, memory.format_tag to) {
        super(new AtomicLong());
        source = unbound(new memory.desc(dims, memory.data_type.f32, from));
        target = unbound(new memory.desc(dims, memory.data_type.f32, to));
        reorder = keep(new reorder(source, target));
    }

    void run(INDArray from, INDArray to) {
        reorder.execute(device.stream, OneDnnConversion.bound(source, from), OneDnnConversion.bound(target, to));
        device.stream._wait();
    }
}
