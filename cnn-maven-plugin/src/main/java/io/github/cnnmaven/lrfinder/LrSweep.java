package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.LrFinderResult.Point;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic of the learning-rate range test, free of DL4J: the exponential schedule of rates,
 * the bias-corrected exponential smoothing of the loss (β = 0.98), the divergence stop, and the
 * three ways of picking a rate from the curve.
 */
public final class LrSweep {

    public static final double BETA = 0.98;
    /** The sweep stops once the smoothed loss exceeds this multiple of the best seen. */
    public static final double DIVERGENCE_FACTOR = 4;
    /** Noisy ends trimmed before choosing, as fastai does (skip_start=10, skip_end=5). */
    static final int SKIP_START = 10;
    static final int SKIP_END = 5;

    private final double start;
    private final double end;
    private final int steps;
    private final List<Point> points = new ArrayList<>();
    private double average;
    private double best = Double.POSITIVE_INFINITY;
    private boolean diverged;

    public LrSweep(double start, double end, int steps) {
        this.start = start;
        this.end = end;
        this.steps = steps;
    }

    /** The rate of step {@code i} (0-based): start · (end/start)^(i/(steps-1)). */
    public double rate(int i) {
        return start * Math.pow(end / start, (double) i / Math.max(1, steps - 1));
    }

    /**
     * Records the loss of the step at {@link #rate(int)} of the next index; returns false when the
     * sweep should stop (NaN, infinite, or more than 4× the best smoothed loss).
     */
    public boolean record(double loss) {
        int i = points.size();
        if (!Double.isFinite(loss)) {
            points.add(new Point(rate(i), loss, Double.NaN));
            diverged = true;
            return false;
        }
        average = BETA * average + (1 - BETA) * loss;
        double smoothed = average / (1 - Math.pow(BETA, i + 1));
        points.add(new Point(rate(i), loss, smoothed));
        if (smoothed < best) {
            best = smoothed;
        }
        if (i > 0 && smoothed > DIVERGENCE_FACTOR * best) {
            diverged = true;
            return false;
        }
        return points.size() < steps;
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    public boolean diverged() {
        return diverged;
    }

    /** The suggested rate by {@code method}, read off the smoothed curve without its noisy ends. */
    public double suggest(LrMethod method) throws CnnException {
        List<Point> usable = points.stream().filter(p -> Double.isFinite(p.smoothedLoss())).toList();
        int from = Math.min(SKIP_START, Math.max(0, usable.size() - 3));
        int to = Math.max(from + 2, usable.size() - SKIP_END);
        List<Point> curve = usable.subList(from, Math.min(to, usable.size()));
        if (curve.size() < 3) {
            throw failure("the sweep stopped after " + points.size() + " steps, too few to read a curve");
        }
        double first = curve.get(0).smoothedLoss();
        double lowest = curve.stream().mapToDouble(Point::smoothedLoss).min().orElse(first);
        if (lowest >= first * 0.99) {
            throw failure("the loss never falls");
        }
        return method.pick(curve);
    }

    private CnnException failure(String why) {
        Point lowest = points.stream().filter(p -> Double.isFinite(p.smoothedLoss()))
                .min(java.util.Comparator.comparingDouble(Point::smoothedLoss)).orElse(null);
        Point firstPoint = points.isEmpty() ? null : points.get(0);
        Point lastPoint = points.isEmpty() ? null : points.get(points.size() - 1);
        return new CnnException("find-lr found no usable learning rate: " + why + ". Curve: " + describe("first", firstPoint)
                + ", " + describe("lowest", lowest) + ", " + describe("last", lastPoint)
                + ". Widen cnn.lrStart/cnn.lrEnd, raise cnn.lrSteps, or set cnn.learningRate to a number.");
    }

    private static String describe(String name, Point p) {
        return p == null ? name + " none" : String.format(Locale.ROOT, "%s loss %.4f at lr %.3g", name,
                Double.isFinite(p.smoothedLoss()) ? p.smoothedLoss() : p.loss(), p.lr());
    }
}
