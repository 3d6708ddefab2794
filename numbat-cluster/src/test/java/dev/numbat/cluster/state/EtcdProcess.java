package dev.numbat.cluster.state;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node etcd for tests, on loopback ports chosen at run time with its data in a temp
 * directory. Without an etcd binary (PATH, or the ETCD environment variable) the test is skipped, except
 * under CI (environment variable CI set), where {@code .ci/run} installs etcd and its absence is a failure.
 */
final class EtcdProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int clientPort;

    private EtcdProcess(Process process, Path log, int clientPort) {
        this.process = process;
        this.log = log;
        this.clientPort = clientPort;
    }

    static Path binaryOrSkip() {
        String override = System.getenv("ETCD");
        if (override != null && Files.isExecutable(Path.of(override))) {
            return Path.of(override);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "no etcd binary on PATH (apt-get install etcd-server, or set ETCD=/path/to/etcd)";
        if (System.getenv("CI") != null) {
            fail(message + "; CI must install it");
        }
        Assumptions.abort(message);
        return null;
    }

    /** Starts etcd with its data and log in {@code dir}; waits until it serves requests. */
    static EtcdProcess start(Path dir) throws IOException, InterruptedException {
        Path binary = binaryOrSkip();
        IOException lastFailure = null;
        // Free ports are chosen by binding and releasing them; another process may grab one meanwhile, so retry.
        for (int attempt = 1; attempt <= 3; attempt++) {
            int clientPort = freePort();
            int peerPort = freePort();
            Path data = Files.createDirectories(dir.resolve("etcd-" + attempt));
            Path log = dir.resolve("etcd-" + attempt + ".log");
            String client = "http://127.0.0.1:" + clientPort;
            String peer = "http://127.0.0.1:" + peerPort;
            Process process = new ProcessBuilder(List.of(binary.toString(),
                    "--name", "numbat-test",
                    "--data-dir", data.toString(),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "numbat-test=" + peer,
                    "--initial-cluster-state", "new"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            EtcdProcess etcd = new EtcdProcess(process, log, clientPort);
            if (etcd.awaitHealthy(Duration.ofSeconds(30))) {
                return etcd;
            }
            etcd.close();
            lastFailure = new IOException("etcd did not become healthy; its log:\n" + tail(log));
        }
        throw lastFailure;
    }

    int clientPort() {
        return clientPort;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    private boolean awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(1000);
                try {
                    if (c.getResponseCode() == 200
                            && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("true")) {
                        return true;
                    }
                } finally {
                    c.disconnect();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
