package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.Json;

import java.nio.file.Path;

/**
 * The shared body of the forked JVM's entry points: read the request JSON named by the first
 * argument, run the task with a console that speaks {@link ForkedJvm}'s line protocol, and exit
 * 0 on success, 2 with an {@code [error]} line for a failure the user can act on, 1 on a crash.
 */
public final class ForkMain {

    /** Set by {@link ForkedJvm}: stop when the parent (Maven) dies, which closes our stdin. */
    public static final String WATCH_PARENT = "cnn.fork.watchParent";

    /** The work of one entry point. */
    public interface Task<R> {
        void run(R request, Console console) throws CnnException;
    }

    private ForkMain() {
    }

    public static <R> void run(String[] args, Class<R> requestType, String what, Task<R> task) {
        Console console = Console.of(m -> System.out.println(ForkedJvm.INFO + m), m -> System.out.println(ForkedJvm.WARN + m));
        if (Boolean.getBoolean(WATCH_PARENT)) {
            watchParent();
        }
        int status;
        try {
            task.run(Json.MAPPER.readValue(Path.of(args[0]).toFile(), requestType), console);
            status = 0;
        } catch (CnnException e) {
            System.out.println(ForkedJvm.ERROR + e.getMessage());
            status = 2;
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println(ForkedJvm.ERROR + what + " crashed: " + e);
            status = 1;
        }
        System.out.flush();
        System.exit(status); // ND4J leaves non-daemon threads behind
    }

    /**
     * Halts this JVM when stdin reaches end-of-file, which happens when the parent dies (even by
     * SIGKILL). Everything is written atomically, so halting mid-epoch loses only that epoch.
     */
    private static void watchParent() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent; only end-of-file matters
                }
            } catch (java.io.IOException e) {
                // a broken pipe means the same as end-of-file
            }
            Runtime.getRuntime().halt(143);
        }, "cnn-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
