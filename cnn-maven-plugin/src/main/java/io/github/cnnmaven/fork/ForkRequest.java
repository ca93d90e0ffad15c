package io.github.cnnmaven.fork;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What a goal hands to the forked JVM. The request names its own entry point, so the fork runner
 * cannot start one goal's request with another goal's main class.
 */
public interface ForkRequest {

    /** The class whose {@code main} reads this request in the forked JVM (through {@link ForkMain#run}). */
    @JsonIgnore // not part of the request file
    Class<?> forkMain();

    /** Whether the fork trains on a Spark cluster, and so needs Spark on its classpath ({@link SparkRuntime}). */
    @JsonIgnore
    default boolean trainsOnSpark() {
        return false;
    }

    /**
     * The workers each training step's batch is split among ({@link BatchSplit}); 1 for a goal that does
     * not train, or trains otherwise.
     *
     * @param cpu      whether the fork runs on the CPU backend
     * @param switchOn {@link BatchSplit#SWITCH} as the fork will read it
     */
    default int batchWorkers(boolean cpu, boolean switchOn) {
        return 1;
    }
}
