package dev.numbat.cluster.exchange;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Flight client per executor location, created on first use by a factory (which is where TLS and
 * authentication middleware plug in) and closed with the cache. gRPC channels reconnect by themselves, so a
 * client stays usable after its server restarted.
 */
public final class FlightClientCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightClientCache.class);
    /** Keepalive pings on exchange connections: a peer that stops answering fails its streams within ~40 s. */
    public static final long KEEPALIVE_SECONDS = 30;
    public static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

    static {
        FlightCompat.ensureReadable();
    }

    private final Function<Location, FlightClient> factory;
    private final Map<Location, FlightClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public FlightClientCache(Function<Location, FlightClient> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Plaintext clients ({@code grpc+tcp}) whose batches are allocated under {@code allocator}: no message size
     * limit (a batch is one message) and keepalive pings, so a dead peer is noticed even when its host keeps
     * the TCP connection open. Servers must permit those pings ({@link #permitKeepAlive}).
     */
    public static FlightClientCache plaintext(BufferAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        return new FlightClientCache(location -> {
            URI uri = location.getUri();
            ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                    .usePlaintext()
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .build();
            return FlightGrpcUtils.createFlightClient(allocator, channel);
        });
    }

    /**
     * Like {@link #plaintext}, with the cluster's TLS and bearer token: the token travels as a gRPC header on
     * every Flight call.
     */
    public static FlightClientCache secured(BufferAllocator allocator, dev.numbat.cluster.security.ClusterSecurity security) {
        Objects.requireNonNull(allocator, "allocator");
        return new FlightClientCache(location -> {
            URI uri = location.getUri();
            ManagedChannel channel = security.channelBuilder(uri.getHost(), uri.getPort())
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .build();
            return FlightGrpcUtils.createFlightClient(allocator, channel);
        });
    }

    /** Lets a server accept the keepalive pings of {@link #plaintext} clients (gRPC refuses frequent pings). */
    public static NettyServerBuilder permitKeepAlive(NettyServerBuilder builder) {
        return builder.permitKeepAliveTime(KEEPALIVE_SECONDS / 2, TimeUnit.SECONDS);
    }

    /** The client for {@code location}, created on first use. */
    public FlightClient get(Location location) {
        if (closed) {
            throw new IllegalStateException("the Flight client cache is closed");
        }
        return clients.computeIfAbsent(location, factory);
    }

    @Override
    public void close() {
        closed = true;
        List<FlightClient> all = new ArrayList<>(clients.values());
        clients.clear();
        for (FlightClient c : all) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("closing a Flight client failed: {}", e.toString());
            }
        }
    }
}
