package io.github.cnnmaven.fork;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;

import java.nio.file.Path;

/**
 * The shared body of the forked JVM's entry points: read the request JSON named by the first
 * argument, run the task with a console that speaks {@link ForkedJvm}'s line protocol, and exit
 * 0 on success, 2 with an {@code [error]} line for a failure the user can act on, 1 on a crash.
 */
public final class ForkMain {

    /** The work of one entry point. */
    public interface Task<R> {
        void run(R request, Console console) throws CnnException;
    }

    private ForkMain() {
    }

    public static <R> void run(String[] args, Class<R> requestType, String what, Task<R> task) {
        Console console = Console.of(m -> System.out.println(ForkedJvm.INFO + m), m -> System.out.println(ForkedJvm.WARN + m));
        int status;
        try {
            task.run(new ObjectMapper().readValue(Path.of(args[0]).toFile(), requestType), console);
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
}
