package io.github.cnnmaven.fork;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which trainings split their batch among one-threaded workers, and how many threads each native operation then gets. */
class BatchSplitTest {

    private static ForkContext context(int threads, Integer gpus, SparkSettings spark) {
        return new ForkContext(null, null, Path.of("out"), false, false, threads, gpus, null, spark);
    }

    @Test
    void aCpuTrainingOnSeveralThreadsSplitsItsBatchAmongThem() {
        assertEquals(2, BatchSplit.workers(context(2, null, null), 128, true, true));
        assertEquals(4, BatchSplit.workers(context(4, 1, null), 256, true, true));
        assertEquals(1, BatchSplit.nativeThreads(2, 2), "each worker's operations on one thread");
        assertEquals(2, BatchSplit.workersIn(2, 1));
    }

    @Test
    void eachShareHasAtLeast32ImagesForBatchNormsStatistics() {
        assertEquals(1, BatchSplit.workers(context(2, null, null), 32, true, true), "batch 32 is not split");
        assertEquals(2, BatchSplit.workers(context(2, null, null), 64, true, true));
        assertEquals(2, BatchSplit.workers(context(8, null, null), 64, true, true), "no more workers than shares of 32");
    }

    @Test
    void aJvmWhoseOperationsRunOnSeveralThreadsStartsNoWorkers() {
        assertEquals(1, BatchSplit.workersIn(2, 2), "a study whose smallest batch is not split, or a test's JVM");
    }

    @Test
    void everythingElseRunsEachOperationOnAllTheThreads() throws Exception {
        assertEquals(1, BatchSplit.workers(context(1, null, null), 128, true, true), "one thread");
        assertEquals(1, BatchSplit.workers(context(2, null, null), 128, false, true), "CUDA");
        assertEquals(1, BatchSplit.workers(context(2, 2, null), 128, true, true), "cnn.gpus splits the batch itself");
        assertEquals(1, BatchSplit.workers(context(2, null, SparkSettings.of("local[2]", null, null, null, "shards", null)),
                128, true, true), "so does Spark");
        assertEquals(1, BatchSplit.workers(context(2, null, null), 128, true, false), "-Dcnn.splitBatch=false");
        assertEquals(2, BatchSplit.nativeThreads(2, 1));
    }

    @Test
    void theSwitchIsOnUnlessTurnedOffInTheArgLine() {
        assertTrue(BatchSplit.SWITCH.onIn(java.util.List.of("-Xmx2g")));
        assertFalse(BatchSplit.SWITCH.onIn(java.util.List.of("-Dcnn.splitBatch=false")));
    }
}
