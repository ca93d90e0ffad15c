package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

/** Whether DL4J's oneDNN layer helpers run in this JVM (see org.nd4j.nativeblas.Nd4jCpu for why that needs a shim). */
public final class LayerHelpers {

    private LayerHelpers() {
    }

    /** True on the oneDNN build with the helpers allowed and found. */
    public static boolean oneDnnOn() {
        return Nd4j.getEnvironment().helpersAllowed() && BaseMKLDNNHelper.mklDnnEnabled();
    }
}
