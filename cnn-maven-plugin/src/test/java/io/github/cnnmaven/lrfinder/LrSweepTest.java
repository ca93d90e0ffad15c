package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.output.LrFinderResult;

import io.github.cnnmaven.common.CnnException;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrSweepTest {

    /** Feeds a loss that is a function of log10(lr) until the sweep stops. */
    static LrSweep sweep(DoubleUnaryOperator lossOfLog10Lr) {
        LrSweep sweep = new LrSweep(1e-7, 10, 100);
        while (sweep.record(lossOfLog10Lr.applyAsDouble(Math.log10(sweep.rate(sweep.points().size()))))) {
            // keep going
        }
        return sweep;
    }

    /** A typical curve: flat, falling between 1e-5 and 1e-2, then exploding past 1e-1. */
    static double typical(double x) {
        return x < -5 ? 2.3 : x < -2 ? 2.3 - 0.6 * (x + 5) : x < -1 ? 0.5 : 0.5 * Math.pow(10, 3 * (x + 1));
    }

    @Test
    void ratesGrowExponentiallyFromStartToEnd() {
        LrSweep s = new LrSweep(1e-7, 10, 100);
        assertEquals(1e-7, s.rate(0), 1e-20);
        assertEquals(10, s.rate(99), 1e-9);
        assertEquals(s.rate(1) / s.rate(0), s.rate(51) / s.rate(50), 1e-9);
    }

    @Test
    void smoothingIsBiasCorrected() {
        LrSweep s = new LrSweep(1e-3, 1, 100);
        s.record(2.0);
        s.record(2.0);
        assertEquals(2.0, s.points().get(0).smoothedLoss(), 1e-12, "no pull towards 0 at the start");
        assertEquals(2.0, s.points().get(1).smoothedLoss(), 1e-12);
    }

    @Test
    void stopsEarlyOnceTheLossExceedsFourTimesTheBest() {
        LrSweep s = sweep(LrSweepTest::typical);
        assertTrue(s.diverged());
        assertTrue(s.points().size() < 100, "stopped after " + s.points().size());
        LrFinderResult.Point last = s.points().get(s.points().size() - 1);
        double best = s.points().stream().mapToDouble(LrFinderResult.Point::smoothedLoss).min().orElseThrow();
        assertTrue(last.smoothedLoss() > 4 * best);
    }

    @Test
    void nanStopsTheSweepAtOnce() {
        LrSweep s = new LrSweep(1e-3, 1, 100);
        assertTrue(s.record(2.0));
        assertFalse(s.record(Double.NaN));
        assertTrue(s.diverged());
    }

    @Test
    void methodsPickRatesOnTheFallingStretch() throws Exception {
        LrSweep s = sweep(LrSweepTest::typical);
        double valley = s.suggest(LrMethod.VALLEY);
        double steep = s.suggest(LrMethod.STEEP);
        double minimum = s.suggest(LrMethod.MINIMUM);
        assertTrue(valley > 1e-5 && valley < 1e-2, "valley " + valley);
        assertTrue(steep > 1e-5 && steep < 1e-2, "steep " + steep);
        assertTrue(minimum > 1e-4 && minimum < 1e-1, "minimum/10 " + minimum);
    }

    @Test
    void aLossThatNeverFallsIsAnErrorShowingTheCurve() {
        LrSweep s = sweep(x -> 2.3 + 0.01 * (x + 7));
        CnnException e = assertThrows(CnnException.class, () -> s.suggest(LrMethod.VALLEY));
        assertTrue(e.getMessage().startsWith("find-lr found no usable learning rate: the loss never falls"), e.getMessage());
        assertTrue(e.getMessage().contains("first loss 2.3000 at lr 1.00e-07"), e.getMessage());
        assertTrue(e.getMessage().contains("cnn.lrStart"), e.getMessage());
    }

    @Test
    void nanAtOnceIsAnError() {
        LrSweep s = new LrSweep(1e-3, 1, 100);
        s.record(Double.NaN);
        assertTrue(assertThrows(CnnException.class, () -> s.suggest(LrMethod.VALLEY)).getMessage().contains("too few"));
    }
}
