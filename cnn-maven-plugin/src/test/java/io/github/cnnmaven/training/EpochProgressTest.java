package io.github.cnnmaven.training;

import io.github.cnnmaven.common.Console;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long epoch is never silent: a line every 10 s for a person, at quarters for a CI log. */
class EpochProgressTest {

    final List<String> log = new ArrayList<>();
    final AtomicLong clock = new AtomicLong();

    /** Feeds an epoch of {@code images} images at {@code perSecond}, one update per 100 images. */
    void run(boolean interactive, int images, int perSecond) {
        EpochProgress progress = new EpochProgress(3, images, interactive, clock::get, Console.of(log::add, log::add));
        for (int done = 100; done <= images; done += 100) {
            clock.addAndGet(100L * 1_000_000_000L / perSecond);
            progress.update(done);
        }
    }

    @Test
    void interactiveBuildsGetALineEveryTenSeconds() {
        run(true, 54_000, 1_000); // a 54-second epoch
        assertEquals(5, log.size(), log.toString());
        assertEquals("  epoch 3: 10,000/54,000 images (19%), 1000 img/s, ETA 44s", log.get(0));
    }

    @Test
    void batchBuildsGetQuartersOfLongEpochsOnly() {
        run(false, 54_000, 600); // a 90-second epoch
        assertEquals(3, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("  epoch 3: 13,500/54,000 images (25%), 600 img/s, ETA 1m07s"), log.get(0));
        log.clear();
        run(false, 54_000, 2_000); // a 27-second epoch: its epoch line says enough
        assertEquals(List.of(), log);
    }
}
