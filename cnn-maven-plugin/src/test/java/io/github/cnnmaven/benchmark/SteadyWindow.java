package io.github.cnnmaven.benchmark;

/**
 * Images/s in the steady state: a warm-up of at least {@code warmUpIterations} and
 * {@code warmUpSeconds}, then the rate over a window of at least {@code iterations} and
 * {@code seconds}. The time floors matter where steps are fast: the plugin's Java kernels (batch norm,
 * ReLU) run interpreted or C1-compiled for the first few seconds (one timing of resnet20's steps, one
 * by one: 1791 666 707 630 567 530 521 527, then about 390-450 ms), which the 2 + 10 iterations this
 * replaced fell inside; single iterations on this VM vary by ±25 %, so the window spans many. The iteration floors matter where steps are slow (ND4J out of the box, 3-9 s each).
 * benchmarks/djl-peer's PeerBenchmark applies the same rule to the peer.
 */
record SteadyWindow(int warmUpIterations, double warmUpSeconds, int iterations, double seconds) {

    static final SteadyWindow TRAINING = new SteadyWindow(2, 8, 10, 20);
    /** Inference builds its own oneDNN primitives and workspaces, hence its own warm-up. */
    static final SteadyWindow INFERENCE = new SteadyWindow(10, 3, 20, 10);

    double imagesPerSecond(int batch, Runnable step) {
        long start = System.nanoTime();
        for (int i = 0; i < warmUpIterations || since(start) < warmUpSeconds; i++) {
            step.run();
        }
        long t0 = System.nanoTime();
        int n = 0;
        while (n < iterations || since(t0) < seconds) {
            step.run();
            n++;
        }
        return n * (double) batch / since(t0);
    }

    private static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
