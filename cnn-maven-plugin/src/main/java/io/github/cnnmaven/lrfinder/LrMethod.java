package io.github.cnnmaven.lrfinder;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.output.LrFinderResult.Point;

import java.util.Comparator;
import java.util.List;

/** {@code cnn.lrMethod}: how a rate is read off the range test's smoothed loss curve. */
public enum LrMethod implements Choice {
    /** The middle of the longest (non-strictly) falling stretch of the smoothed loss. */
    VALLEY {
        @Override
        double pick(List<Point> curve) {
            int bestStart = 0;
            int bestLength = 1;
            int runStart = 0;
            for (int i = 1; i < curve.size(); i++) {
                if (curve.get(i).smoothedLoss() > curve.get(i - 1).smoothedLoss()) {
                    runStart = i;
                }
                if (i - runStart + 1 > bestLength) {
                    bestLength = i - runStart + 1;
                    bestStart = runStart;
                }
            }
            return curve.get(bestStart + bestLength / 2).lr();
        }
    },
    /** The steepest fall of the loss against the log of the rate. */
    STEEP {
        @Override
        double pick(List<Point> curve) {
            double best = Double.POSITIVE_INFINITY;
            double lr = curve.get(0).lr();
            for (int i = 1; i < curve.size() - 1; i++) {
                double slope = (curve.get(i + 1).smoothedLoss() - curve.get(i - 1).smoothedLoss())
                        / (Math.log(curve.get(i + 1).lr()) - Math.log(curve.get(i - 1).lr()));
                if (slope < best) {
                    best = slope;
                    lr = curve.get(i).lr();
                }
            }
            return lr;
        }
    },
    /** The rate at the lowest loss, divided by 10. */
    MINIMUM {
        @Override
        double pick(List<Point> curve) {
            return curve.stream().min(Comparator.comparingDouble(Point::smoothedLoss)).orElseThrow().lr() / 10;
        }
    };

    @JsonCreator
    public static LrMethod fromJson(String value) {
        return Choice.fromJson(LrMethod.class, value);
    }

    /** The rate this method picks from a trimmed curve of at least three points. */
    abstract double pick(List<Point> curve);

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
