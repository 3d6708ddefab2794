package dev.numbat.cluster;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scheduler and executors as child processes of this JVM, on loopback ports chosen at run time: for tests,
 * benchmarks and trying a cluster on one machine. Each process runs {@code mainClass} (the {@code numbat}
 * command line) on a class path of this JVM's; every process is killed on {@link #close()}.
 */
public final class ProcessCluster implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ([^:\\s]+):(\\d+)");

    private final String mainClass;
    private final String classPath;
    private final Path dir;
    private final List<String> commonArgs;
    private final List<String> jvmArgs;
    private final List<Process> processes = new ArrayList<>();
    private Process scheduler;
    private int schedulerPort;
    private final List<Process> executors = new ArrayList<>();

    /**
     * @param classPath  class path of the processes (for instance this JVM's, without test classes so that user
     *                   code must be shipped)
     * @param commonArgs arguments every process gets (security options such as --auth-token-file)
     */
    public ProcessCluster(String mainClass, String classPath, Path dir, List<String> jvmArgs, List<String> commonArgs) {
        this.mainClass = mainClass;
        this.classPath = classPath;
        this.dir = dir;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.commonArgs = List.copyOf(commonArgs);
    }

    /** This JVM's class path without entries ending in {@code test-classes}. */
    public static String classPathWithoutTests() {
        List<String> keep = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.endsWith("test-classes") && !e.endsWith("test-classes/")) {
                keep.add(e);
            }
        }
        return String.join(java.io.File.pathSeparator, keep);
    }

    public int schedulerPort() {
        return schedulerPort;
    }

    public Process scheduler() {
        return scheduler;
    }

    public List<Process> executors() {
        return List.copyOf(executors);
    }

    /** Starts the scheduler and waits until it listens. */
    public ProcessCluster startScheduler(String... args) {
        List<String> a = new ArrayList<>(List.of("scheduler", "--port", "0", "--work-dir", dir.resolve("scheduler").toString()));
        a.addAll(List.of(args));
        scheduler = start("scheduler", a);
        schedulerPort = awaitListening(scheduler, "scheduler");
        return this;
    }

    /** Starts an executor with {@code slots} slots (and extra args such as --tag) and waits until it listens. */
    public Process startExecutor(int slots, String... args) {
        int n = executors.size() + 1;
        List<String> a = new ArrayList<>(List.of("executor", "--scheduler", "127.0.0.1:" + schedulerPort, "--port", "0",
                "-c", Integer.toString(slots), "--work-dir", dir.resolve("executor-" + n + "-" + System.nanoTime()).toString()));
        a.addAll(List.of(args));
        Process p = start("executor-" + n, a);
        awaitListening(p, "executor");
        executors.add(p);
        return p;
    }

    private Process start(String name, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        // Flight 18.3's zero-copy read calls a gRPC method that the pinned gRPC no longer has.
        cmd.add("-Darrow.flight.enable_zero_copy_read=false");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        cmd.addAll(commonArgs);
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(name + ".err.log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Reads the process's standard output until its "listening on host:port" line; returns the port. */
    private int awaitListening(Process p, String what) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find() && !port.isDone()) {
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException(what + " ended before listening"));
        }, "numbat-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            String log = "";
            try {
                log = Files.readString(dir.resolve(processes.size() == 1 ? "scheduler.err.log"
                        : "executor-" + (executors.size() + 1) + ".err.log"));
            } catch (IOException ignored) {
                // no log to show
            }
            throw new NumbatException(ErrorCode.INTERNAL, what + " did not start: " + e.getMessage() + "\n" + log, e);
        }
    }

    /** Kills an executor at once (as a crash would), without telling the scheduler. */
    public void kill(Process executor) {
        executor.destroyForcibly();
        try {
            executor.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        WorkDirs.deleteTree(dir);
    }
}
