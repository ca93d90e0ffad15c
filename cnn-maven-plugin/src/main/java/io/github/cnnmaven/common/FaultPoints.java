package io.github.cnnmaven.common;

/**
 * Fault injection for the kill tests: with {@code -Dcnn.faultInjection.haltAt=<point>} the JVM halts
 * at that point as {@code kill -9} would (no shutdown hooks, no finally blocks), exit code 137.
 * Every atomic write passes two points, {@code before-rename:<file name>} and
 * {@code after-rename:<file name>}, so a test can stop a build at any moment that matters. Without
 * the property this is one property lookup per file written.
 */
public final class FaultPoints {

    public static final String PROPERTY = "cnn.faultInjection.haltAt";

    private FaultPoints() {
    }

    public static void reach(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
