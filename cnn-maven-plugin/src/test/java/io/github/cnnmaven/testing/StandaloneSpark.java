package io.github.cnnmaven.testing;

import io.github.cnnmaven.fork.SparkRuntime;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Spark standalone cluster on 127.0.0.1 for the ITs: a {@code Master} and one {@code Worker} started from
 * the Spark jars on the test classpath, each in a JVM of its own, as {@code sbin/start-master.sh} and
 * {@code start-worker.sh} would. A directory of links to those jars stands for the Spark installation the
 * worker launches executors from. {@link #close} (or, should the build die, a shutdown hook) stops both and the
 * executors under them.
 */
public final class StandaloneSpark implements AutoCloseable {

    private static final long START_MS = 90_000;
    private final List<Process> processes = new ArrayList<>();
    private final Path masterLog;

    private StandaloneSpark(Path dir) {
        this.masterLog = dir.resolve("master.log");
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /**
     * Starts a master on {@code port} and a worker with {@code cores} cores from the jars of {@code classpath} (the
     * plugin's test classpath, Spark among it); returns when the worker registered.
     */
    public static StandaloneSpark start(Path dir, int port, int cores, String classpath)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> entries = List.of(classpath.split(File.pathSeparator));
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        for (String entry : entries) {
            Path jar = Path.of(entry);
            Path link = home.resolve("jars").resolve(jar.getFileName());
            if (entry.endsWith(".jar") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        StandaloneSpark spark = new StandaloneSpark(dir);
        String cp = String.join(File.pathSeparator, entries);
        spark.launch(dir.resolve("master.log"), home, cp, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", "0");
        spark.awaitPort(port);
        spark.launch(dir.resolve("worker.log"), home, cp, "org.apache.spark.deploy.worker.Worker",
                "spark://127.0.0.1:" + port, "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", "4g",
                "--work-dir", dir.resolve("work").toString(), "--webui-port", "0");
        spark.awaitLog("Registering worker");
        return spark;
    }

    private void launch(Path log, Path home, String classpath, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(SparkRuntime.jvmOptions());
        command.addAll(List.of("-Xmx512m", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_HOME", home.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.12"); // what a Spark installation's launcher finds itself
        processes.add(builder.start());
    }

    private void awaitPort(int port) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_MS;
        while (System.currentTimeMillis() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(250);
            }
        }
        close();
        throw new IOException("The Spark master did not listen on " + port + " within " + START_MS / 1000 + " s: "
                + Files.readString(masterLog));
    }

    private void awaitLog(String text) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_MS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.readString(masterLog).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        close();
        throw new IOException("No Spark worker registered within " + START_MS / 1000 + " s: " + Files.readString(masterLog));
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy); // the executors
            process.destroy();
        }
    }
}
