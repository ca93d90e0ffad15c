package io.github.cnnmaven.training;

import io.github.cnnmaven.common.Console;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress inside an epoch, so a long epoch is never silent. When a person watches (not {@code -B}),
 * a line every {@value #INTERACTIVE_SECONDS} seconds; in batch mode (CI logs), a line at 25, 50 and
 * 75 % of an epoch expected to last over a minute. Each line: images done, share, speed and ETA.
 */
public final class EpochProgress {

    static final int INTERACTIVE_SECONDS = 10;
    static final int BATCH_MIN_EPOCH_SECONDS = 60;

    private final int epoch;
    private final int images;
    private final boolean interactive;
    private final LongSupplier nanos;
    private final Console console;
    private final long start;
    private long lastLine;
    private int nextQuarter = 1;

    EpochProgress(int epoch, int images, boolean interactive, LongSupplier nanos, Console console) {
        this.epoch = epoch;
        this.images = images;
        this.interactive = interactive;
        this.nanos = nanos;
        this.console = console;
        this.start = nanos.getAsLong();
        this.lastLine = start;
    }

    /** After each batch: {@code done} images of the epoch are trained. */
    public void update(int done) {
        long now = nanos.getAsLong();
        double elapsed = (now - start) / 1e9;
        double share = Math.min(1, (double) done / images);
        if (interactive) {
            if ((now - lastLine) / 1e9 >= INTERACTIVE_SECONDS && done < images) {
                line(done, share, elapsed);
                lastLine = now;
            }
            return;
        }
        boolean crossed = false;
        while (nextQuarter < 4 && share >= nextQuarter / 4.0) {
            nextQuarter++;
            crossed = true;
        }
        if (crossed && share > 0 && elapsed / share > BATCH_MIN_EPOCH_SECONDS) {
            line(done, share, elapsed);
        }
    }

    private void line(int done, double share, double elapsed) {
        double speed = done / Math.max(1e-9, elapsed);
        console.info(String.format(Locale.ROOT, "  epoch %d: %,d/%,d images (%.0f%%), %.0f img/s, ETA %s", epoch, done,
                images, 100 * share, speed, Trainer.duration((images - done) / Math.max(1e-9, speed))));
    }
}
