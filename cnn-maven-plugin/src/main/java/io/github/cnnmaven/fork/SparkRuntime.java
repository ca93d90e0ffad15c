package io.github.cnnmaven.fork;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the training JVM adds when it trains on Spark: dl4j-spark and Spark with their dependencies
 * (resolved at run time, so the plugin itself stays free of Spark's 100+ jars), the versions pinned
 * against the plugin's, and the JVM options Spark needs on Java 17.
 *
 * @param dependencies {@code groupId:artifactId:version} resolved with their dependencies
 * @param pins         versions that win over the ones the dependencies ask for
 * @param exclusions   {@code groupId:artifactId} left out of the dependencies
 */
public record SparkRuntime(List<String> dependencies, List<String> pins, List<String> exclusions) {

    /** The packages Spark's own launcher opens on Java 17 (its serializers and off-heap memory reach into them). */
    private static final List<String> OPENED = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
            "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
            "sun.nio.cs", "sun.security.action", "sun.util.calendar");

    /** The versions this build of the plugin was compiled and tested against (from its POM). */
    public static SparkRuntime load() {
        Properties p = new Properties();
        try (InputStream in = SparkRuntime.class.getResourceAsStream("spark-runtime.properties")) {
            if (in == null) {
                throw new IllegalStateException("spark-runtime.properties is missing from the plugin");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SparkRuntime(list(p, "dependencies"), list(p, "pins"), list(p, "exclusions"));
    }

    private static List<String> list(Properties p, String key) {
        return Arrays.stream(p.getProperty(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The JVM options of a training JVM that runs a Spark driver (and, with local[N], its executors). */
    public static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String pkg : OPENED) {
            options.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        return options;
    }
}
