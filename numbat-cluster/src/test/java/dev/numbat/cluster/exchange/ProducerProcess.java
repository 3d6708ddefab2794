package dev.numbat.cluster.exchange;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A producer executor in a process of its own, for tests that kill it: serves query "q" edge 0, channel
 * 0 -> 0, writing a batch of {@link NumbersSource} rows every 20 ms until killed (or its parent goes away,
 * or two minutes passed). Prints its port on stdout.
 */
public final class ProducerProcess {
    private ProducerProcess() {
    }

    public static void main(String[] args) throws Exception {
        // Never outlive the test: stop when the parent closes our stdin (it died) or after two minutes.
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is sent; wait for end of stream.
                }
            } catch (java.io.IOException ignored) {
                // Same as end of stream.
            }
            Runtime.getRuntime().halt(0);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        Thread timeout = new Thread(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException ignored) {
                // Halt anyway.
            }
            Runtime.getRuntime().halt(0);
        });
        timeout.setDaemon(true);
        timeout.start();
        BufferAllocator root = new RootAllocator(Long.MAX_VALUE);
        ExchangeService exchange = new ExchangeService(root, Files.createTempDirectory("producer-process"),
                ExchangeOptions.defaults());
        var pool = Executors.newCachedThreadPool();
        Server server = FlightClientCache.permitKeepAlive(
                        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .executor(pool).addService(exchange.bindable(pool)).build().start();
        System.out.println("port " + server.getPort());
        System.out.flush();
        OutputBuffer out = exchange.outputBuffer("q", 0, 0, 0);
        NumbersSource source = new NumbersSource(1, Integer.MAX_VALUE, 1_000, 10);
        var reader = source.open(source.splits(1).get(0), root);
        Semaphore credit = new Semaphore(0);
        for (long seq = 0; ; seq++) {
            VectorSchemaRoot batch = reader.next();
            while (!out.offer(seq, batch, credit::release)) {
                credit.acquire();
            }
            Thread.sleep(20);
        }
    }
}
