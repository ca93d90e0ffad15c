package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.List;
import java.util.Map;

/**
 * A layer's regularization term of the score, as DL4J's {@code BaseLayer.calcRegularizationScore} sums it, for the
 * layers the plugin installs. DL4J computes it at every step, and its weight decay and L2 take the weights' L2 norm
 * with libnd4j's {@code norm2}, which took 1.6-4.6 ms for the main job's 803 k dense weights where BLAS's dot takes
 * 0.06-0.12 ms (3-7 % of that network's step), and is closer to the exact norm (9e-7 off where norm2 was 7e-5). So
 * those two get the norm from the dot, handed over as a one-element array: DL4J's own formula and schedule still
 * compute the term. Every other regularization gets the weights.
 */
final class RegularizationScore {

    private RegularizationScore() {
    }

    static double of(BaseLayer<?> layer) {
        double sum = 0;
        for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
            List<Regularization> regularizations = layer.layerConf().getRegularizationByParam(param.getKey());
            if (regularizations == null) {
                continue;
            }
            for (Regularization r : regularizations) {
                sum += r.score(readsOnlyTheNorm(r) ? norm(param.getValue()) : param.getValue(), layer.getIterationCount(),
                        layer.getEpochCount());
            }
        }
        return sum;
    }

    /** Whether DL4J's score of {@code r} reads the parameter through its L2 norm alone. */
    private static boolean readsOnlyTheNorm(Regularization r) {
        return r.getClass() == WeightDecay.class || r.getClass() == L2Regularization.class;
    }

    /** A one-element array holding {@code param}'s L2 norm, so that its norm is the parameter's; else the parameter. */
    private static INDArray norm(INDArray param) {
        if (param.elementWiseStride() != 1) { // not one run of memory: DL4J's own way
            return param;
        }
        INDArray flat = param.reshape(param.ordering(), new long[] {param.length()});
        return Nd4j.createFromArray(Math.sqrt(Nd4j.getBlasWrapper().dot(flat, flat)));
    }
}
