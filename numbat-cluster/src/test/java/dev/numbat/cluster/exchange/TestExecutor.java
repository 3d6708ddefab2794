package dev.numbat.cluster.exchange;

import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * An executor process stood in for inside the test JVM: its own allocator, runtime, exchange service and gRPC
 * server on a loopback port chosen at run time. {@link #kill} stops the server abruptly, as a dying process
 * would drop its connections.
 */
final class TestExecutor implements AutoCloseable {
    final String id;
    final BufferAllocator allocator;
    final LocalRuntime runtime;
    final ExchangeService exchange;
    final Path workDir;
    final Location location;
    private final ExecutorService grpcPool;
    private final Server server;

    TestExecutor(String id, BufferAllocator root, Path workDir, ExchangeOptions options) throws IOException {
        this.id = id;
        this.workDir = workDir;
        this.allocator = root.newChildAllocator("executor-" + id, 0, Long.MAX_VALUE);
        this.runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), allocator);
        this.exchange = new ExchangeService(allocator, workDir, options);
        this.grpcPool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "grpc-" + id);
            t.setDaemon(true);
            return t;
        });
        this.server = FlightClientCache.permitKeepAlive(
                        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .executor(grpcPool)
                .addService(exchange.bindable(grpcPool))
                .build()
                .start();
        this.location = Location.forGrpcInsecure("127.0.0.1", server.getPort());
    }

    /** Drops every connection and stops serving, like a process that died. */
    void kill() {
        server.shutdownNow();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        runtime.close();
        exchange.close();
        grpcPool.shutdownNow();
        allocator.close();
    }
}
