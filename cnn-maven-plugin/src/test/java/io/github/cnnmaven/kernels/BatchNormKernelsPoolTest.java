package io.github.cnnmaven.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels in a JVM whose common pool has no workers of its own, as a one-threaded fork and the one-threaded workers
 * of a split batch run them: two threads computing batch-norm statistics and max pooling's gradient at once, each
 * over tensors the kernels would otherwise cut into parts. Forking those parts from two threads at once spun forever
 * in JDK 17's {@code ForkJoinTask.helpComplete}; the kernels now run them on the calling thread. The child JVM, which
 * this test's own common pool cannot stand in for, would not finish without that.
 */
class BatchNormKernelsPoolTest {

    private static final int ROUNDS = 300;

    @Test
    void twoThreadsUseTheKernelsAtOnceWhereTheCommonPoolHasNoWorkers() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Djava.util.concurrent.ForkJoinPool.common.parallelism=0",
                "-cp", System.getProperty("java.class.path"), BatchNormKernelsPoolTest.class.getName())
                .redirectErrorStream(true).start();
        try {
            // a hang detector, not a timing: the work takes well under a second
            assertTrue(child.waitFor(2, TimeUnit.MINUTES), "two threads running the kernels at once never finished");
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, child.exitValue(), output);
            assertEquals("parts 1, both threads " + ROUNDS + " rounds", output);
        } finally {
            child.destroyForcibly();
        }
    }

    /** The child: prints how many parts a tensor is cut into, then runs both kernels on two threads at once. */
    public static void main(String[] args) throws Exception {
        List<Thread> threads = new ArrayList<>();
        int[] done = new int[2];
        for (int t = 0; t < 2; t++) {
            int index = t;
            threads.add(new Thread(() -> {
                BatchNormKernels.Dims d = new BatchNormKernels.Dims(16, 4, 8 * 8);
                FloatBuffer x = FloatBuffer.allocate(16 * 4 * 64);
                for (int i = 0; i < x.capacity(); i++) {
                    x.put(i, (i * 37 % 101) / 101f);
                }
                FloatBuffer dy = FloatBuffer.allocate(16 * 4 * 16);
                FloatBuffer dx = FloatBuffer.allocate(x.capacity());
                MaxPoolKernels.Geometry pool = new MaxPoolKernels.Geometry(16 * 4, 8, 8, 2, 2, 4, 4);
                double[] mean = new double[4];
                double[] variance = new double[4];
                for (int round = 0; round < ROUNDS; round++) {
                    BatchNormKernels.statistics(x, d, mean, variance);
                    MaxPoolKernels.backward(x, dy, dx, pool);
                    done[index]++;
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("parts " + BatchNormKernels.partsPerTensor() + ", both threads "
                + (done[0] == done[1] ? done[0] + " rounds" : done[0] + " and " + done[1] + " rounds"));
    }
}
