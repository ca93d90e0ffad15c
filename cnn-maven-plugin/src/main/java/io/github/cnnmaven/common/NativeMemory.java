package io.github.cnnmaven.common;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.util.Locale;

/**
 * Returns the memory that glibc's allocator keeps after {@code free} to the operating system, at
 * most once per interval. oneDNN and libnd4j allocate and free hundreds of megabytes of scratch
 * space per training step; glibc raises its mmap threshold after the first large frees, so later
 * blocks come from its heaps, whose freed pages stay resident. Over a CIFAR-10-sized epoch that
 * grew the training JVM to several times the memory it needs. {@code malloc_trim(0)} every two
 * seconds holds it there for a small share of the step time; making every large block an mmap
 * instead (MALLOC_MMAP_THRESHOLD_) cost far more throughput (docs/benchmarks.md).
 *
 * <p>Where there is no glibc (macOS, Windows, musl), this does nothing.
 */
public final class NativeMemory {

    /** JVM system property: seconds between trims; 0 turns trimming off. */
    public static final String TRIM_INTERVAL_PROPERTY = "cnn.mallocTrimSeconds";
    static final double DEFAULT_INTERVAL_SECONDS = 2;

    private static final Libc LIBC = load();

    private final long intervalNanos;
    private long last = System.nanoTime();

    interface Libc extends Library {
        int malloc_trim(long pad);
    }

    private NativeMemory(double intervalSeconds) {
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    /** A trimmer with the interval from {@link #TRIM_INTERVAL_PROPERTY} (default 2 s). */
    public static NativeMemory fromSystemProperties() throws InvalidConfigurationException {
        String value = System.getProperty(TRIM_INTERVAL_PROPERTY);
        if (value == null || value.isBlank()) {
            return new NativeMemory(DEFAULT_INTERVAL_SECONDS);
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds >= 0 && Double.isFinite(seconds)) {
                return new NativeMemory(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException("Invalid -D" + TRIM_INTERVAL_PROPERTY + "=" + value
                + " in cnn.argLine: use a number of seconds, or 0 to turn trimming off");
    }

    /** A trimmer with the given interval in seconds (0: never). */
    public static NativeMemory every(double seconds) {
        return new NativeMemory(seconds);
    }

    /** Whether this trims at all: glibc is there and the interval is not 0. */
    public boolean active() {
        return LIBC != null && intervalNanos > 0;
    }

    /** How the training log describes it. */
    public String describe() {
        if (LIBC == null) {
            return "native memory: the allocator's own (no glibc)";
        }
        return intervalNanos <= 0 ? "native memory: not trimmed (-D" + TRIM_INTERVAL_PROPERTY + "=0)"
                : "native memory trimmed every " + seconds(intervalNanos / 1e9) + " s";
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.3g", s);
    }

    /** Trims when the interval has passed since the last trim; call it once per training step. */
    public void maybeTrim() {
        if (active() && System.nanoTime() - last >= intervalNanos) {
            trimNow();
            last = System.nanoTime();
        }
    }

    /**
     * At an epoch's end: one garbage collection, then a trim. ND4J frees an array's native memory when the collector
     * finds the array unreachable; arrays that lived a while (evaluation's batches and outputs) reach the old
     * generation, which a small heap seldom collects, so their native memory stayed resident and the main job's
     * training JVM grew at every epoch's end (docs/benchmarks.md). It costs about 0.1 s an epoch.
     */
    public void collectAndTrim() {
        if (active()) {
            System.gc();
            trimNow();
            last = System.nanoTime();
        }
    }

    /** Trims now; returns whether glibc could be asked. */
    public static boolean trimNow() {
        if (LIBC == null) {
            return false;
        }
        LIBC.malloc_trim(0);
        return true;
    }

    private static Libc load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Libc libc = (Libc) Native.loadLibrary("c", Libc.class); // JNA 4 returns Object
            libc.malloc_trim(0); // musl has no malloc_trim: this throws there
            return libc;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: no trimming, nothing else changes
            return null;
        }
    }
}
