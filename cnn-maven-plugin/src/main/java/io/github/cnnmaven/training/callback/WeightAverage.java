package io.github.cnnmaven.training.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.Json;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Weight averaging ({@code cnn.ema}, {@code cnn.swa}): an average of the weights kept beside the ones that train.
 * Validation, the best model kept and the final model use the average; training goes on from the trained weights.
 * Its state, the average and how many updates made it, goes into the checkpoint, so a resumed run continues the
 * same average. DL4J's flattened parameters include the batch-norm running statistics, so they are averaged too.
 */
public abstract sealed class WeightAverage implements TrainingCallback permits ExponentialAverage, StochasticAverage {

    /** Gives the graph, holding averaged weights, the batch-norm statistics of those weights (SWA's extra pass). */
    @FunctionalInterface
    public interface BatchNormPass {
        void reestimate(ComputationGraph graph);
    }

    /** Something done with the graph while it holds the averaged weights. */
    @FunctionalInterface
    public interface WithGraph<T, E extends Exception> {
        T apply(ComputationGraph graph) throws E;
    }

    /** @param average the averaged parameters as little-endian floats (base64 in the checkpoint's JSON) */
    public record State(long updates, byte[] average) {
    }

    /** Null until the first update: then validation still uses the trained weights. */
    protected INDArray average;
    protected long updates;
    /** The parameters validation used, batch norm re-estimated when it needs to be; null after each update. */
    private INDArray applied;

    /** The log line that says what is averaged and what uses it. */
    public abstract String describe();

    /** Called once per epoch after its training batches and before its validation. */
    public void epochTrained(int epoch, int plannedEpochs, ComputationGraph graph) {
    }

    /** What the averaged weights need before use; SWA re-estimates the batch-norm statistics. */
    protected void prepare(ComputationGraph graph) {
    }

    /** Whether there is an average yet (what validation and the kept model then use). */
    public boolean active() {
        return average != null;
    }

    public long updates() {
        return updates;
    }

    /** A copy of the average, or null before the first update. */
    public INDArray average() {
        return average == null ? null : average.dup();
    }

    /** Marks the average changed: the next use prepares it again. */
    protected final void changed() {
        applied = null;
    }

    /** Runs {@code action} while {@code graph} holds the averaged weights (when there are any), then puts the trained ones back. */
    public <T, E extends Exception> T withAveraged(ComputationGraph graph, WithGraph<T, E> action) throws E {
        if (average == null) {
            return action.apply(graph);
        }
        INDArray trained = graph.params().dup();
        try {
            if (applied == null) {
                graph.setParams(average);
                prepare(graph);
                applied = graph.params().dup();
            } else {
                graph.setParams(applied);
            }
            return action.apply(graph);
        } finally {
            graph.setParams(trained);
        }
    }

    /**
     * {@code average ← d·average + (1 − d)·params} in place. Not {@code average.muli(d).addi(params.mul(1 - d))}:
     * allocating an array of the network's size on every step cost more than the arithmetic, and ND4J's pairwise
     * ops on one long row were several times slower than one pass over the two float buffers.
     */
    static void blend(INDArray average, INDArray params, double d) {
        if (average.dataType() != DataType.FLOAT || params.dataType() != DataType.FLOAT || !dense(average) || !dense(params)
                || average.length() != params.length()) {
            average.subi(params).muli(d).addi(params); // (a − p)·d + p, still in place
            return;
        }
        FloatBuffer a = average.data().asNioFloat();
        FloatBuffer p = params.data().asNioFloat();
        int ao = (int) average.offset();
        int po = (int) params.offset();
        float keep = (float) d;
        float take = (float) (1 - d);
        for (int i = 0, n = (int) average.length(); i < n; i++) {
            a.put(ao + i, a.get(ao + i) * keep + p.get(po + i) * take);
        }
    }

    /** Its elements lie one after another in its buffer. */
    private static boolean dense(INDArray x) {
        return x.ordering() == 'c' && x.elementWiseStride() == 1 && x.length() <= Integer.MAX_VALUE;
    }

    @Override
    public String name() {
        return "weightAverage";
    }

    @Override
    public JsonNode saveState() {
        if (average == null) {
            return null;
        }
        float[] values = average.castTo(DataType.FLOAT).toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Json.MAPPER.valueToTree(new State(updates, bytes.array()));
    }

    @Override
    public void restoreState(JsonNode saved) {
        try {
            State state = Json.MAPPER.treeToValue(saved, State.class);
            float[] values = new float[state.average().length / Float.BYTES];
            ByteBuffer.wrap(state.average()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            average = Nd4j.createFromArray(values).reshape(1, values.length);
            updates = state.updates();
            changed();
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("The checkpoint's state of " + name() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
