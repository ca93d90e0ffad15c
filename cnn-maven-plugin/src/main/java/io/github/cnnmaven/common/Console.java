package io.github.cnnmaven.common;

import java.util.function.Consumer;

/**
 * Where services report progress. The mojos adapt Maven's log to it, so services never import
 * Maven APIs and tests can capture what a user would see.
 */
public interface Console {

    void info(String message);

    void warn(String message);

    void debug(String message);

    /** A failure the build reports (the accuracy gate's violated rules); a warning where there is no error level. */
    default void error(String message) {
        warn(message);
    }

    /** A console that drops everything; for callers that do not care. */
    static Console silent() {
        return of(m -> { }, m -> { });
    }

    /** A console with sinks for info and warnings, and no debug output. */
    static Console of(Consumer<String> info, Consumer<String> warn) {
        return of(info, warn, m -> { });
    }

    /** A console with one sink per level; errors go to the warning sink. */
    static Console of(Consumer<String> info, Consumer<String> warn, Consumer<String> debug) {
        return of(info, warn, warn, debug);
    }

    /** A console with one sink per level. */
    static Console of(Consumer<String> info, Consumer<String> warn, Consumer<String> error, Consumer<String> debug) {
        return new Console() {
            @Override
            public void info(String message) {
                info.accept(message);
            }

            @Override
            public void warn(String message) {
                warn.accept(message);
            }

            @Override
            public void error(String message) {
                error.accept(message);
            }

            @Override
            public void debug(String message) {
                debug.accept(message);
            }
        };
    }
}
