package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a main class in a separate JVM, as surefire runs tests: its classpath holds the one ND4J
 * backend for this host, and a native crash or an out-of-memory error cannot take Maven down.
 * The child's lines reach the console: {@code [info] }, {@code [warn] } and {@code [error] }
 * prefixes choose the level; anything else (library logging) is debug output, and the last of it
 * is shown when the child fails.
 */
public final class ForkedJvm {

    public static final String INFO = "[info] ";
    public static final String WARN = "[warn] ";
    public static final String ERROR = "[error] ";
    private static final int TAIL = 40;

    private ForkedJvm() {
    }

    /** Runs it and waits; a non-zero exit becomes a {@link CnnException} with the child's error message. */
    public static void run(ForkConfiguration fork, List<String> arguments, Path argFile, Console console) throws CnnException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        try {
            // An argument file keeps a long classpath clear of command-line length limits.
            List<String> args = new ArrayList<>(fork.jvmOptions());
            args.add("-D" + ForkMain.WATCH_PARENT + "=true");
            args.add("-cp");
            args.add(fork.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            Files.createDirectories(argFile.toAbsolutePath().getParent());
            Files.write(argFile, args.stream().map(ForkedJvm::quote).toList(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CnnException("Could not write " + argFile + ": " + e.getMessage(), e);
        }
        command.add("@" + argFile);
        command.add(fork.mainClass());
        command.addAll(arguments);
        // The child's stdin stays an open pipe that nobody writes to: it reaches end-of-file only when
        // this JVM dies, and the child then stops too (ForkMain), so a killed build leaves no orphan.
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(fork.environment());
        console.debug("Forking: " + String.join(" ", command));
        Deque<String> tail = new ArrayDeque<>();
        String error = null;
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CnnException("Could not start the JVM of the " + fork.goal() + " goal (" + java + "): " + e.getMessage(), e);
        }
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(INFO)) {
                    console.info(line.substring(INFO.length()));
                } else if (line.startsWith(WARN)) {
                    console.warn(line.substring(WARN.length()));
                } else if (line.startsWith(ERROR)) {
                    error = line.substring(ERROR.length());
                } else {
                    console.debug(line);
                    tail.addLast(line);
                    if (tail.size() > TAIL) {
                        tail.removeFirst();
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                if (error == null) {
                    tail.forEach(console::warn);
                }
                throw new CnnException(error != null ? error : failure(fork.goal(), exit));
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new CnnException("Lost the output of the " + fork.goal() + " goal's JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CnnException("Interrupted while training", e);
        }
    }

    /**
     * What a failed exit means. Above 128 the JVM was killed by signal (exit - 128): 9 is SIGKILL,
     * most often the kernel's out-of-memory killer; the JVM's own errors exit with small codes.
     */
    static String failure(String goal, int exit) {
        if (exit > 128 && exit < 160) {
            int signal = exit - 128;
            String name = switch (signal) {
                case 9 -> "SIGKILL";
                case 15 -> "SIGTERM";
                case 6 -> "SIGABRT";
                case 11 -> "SIGSEGV";
                case 2 -> "SIGINT";
                default -> "signal " + signal;
            };
            return "The JVM of the " + goal + " goal was killed by " + name + " (exit code " + exit + ")"
                    + (signal == 9 ? ", most often because the machine ran out of memory: lower cnn.batchSize, give the"
                    + " JVM less (cnn.argLine -Xmx, -Dorg.bytedeco.javacpp.maxbytes) or the machine more memory"
                    : signal == 11 || signal == 6 ? ": a crash in native code (its last output is above)" : "");
        }
        return "The JVM of the " + goal + " goal failed with exit code " + exit
                + " (its last output is above; cnn.argLine sets its JVM options, such as -Xmx)";
    }

    private static String quote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
