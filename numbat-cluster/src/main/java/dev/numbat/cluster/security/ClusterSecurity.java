package dev.numbat.cluster.security;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.util.Objects;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.LocationSchemes;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How one node secures its connections: TLS (null = plaintext) and the cluster's bearer token (null = no
 * authentication). The one place servers, channels and Flight clients pick these up, so no code path can
 * forget one of them.
 *
 * <pre>{@code
 * var security = new ClusterSecurity(tls, AuthToken.load(tokenFile));
 * Server server = security.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
 *         .addService(schedulerService)
 *         .addService(FlightGrpcUtils.createFlightService(allocator, producer, ServerAuthHandler.NO_OP, executor))
 *         .build().start();
 * ManagedChannel channel = security.channelBuilder(host, port).build();
 * FlightClient flight = security.flightClientBuilder(allocator, security.location(host, port)).build();
 * }</pre>
 */
public record ClusterSecurity(TlsConfig tls, AuthToken token) {
    /** Plaintext, unauthenticated: for tests and a single trusted machine. */
    public static final ClusterSecurity NONE = new ClusterSecurity(null, null);

    public boolean tlsEnabled() {
        return tls != null;
    }

    /** Adds TLS (if configured) and the token check (if configured) to a server about to be built. */
    public NettyServerBuilder configure(NettyServerBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        if (tls != null) {
            tls.applyTo(builder);
        }
        if (token != null) {
            builder.intercept(new BearerAuthServerInterceptor(token));
        }
        return builder;
    }

    /** A channel builder to {@code host:port} with TLS or plaintext to match, sending the token if any. */
    public NettyChannelBuilder channelBuilder(String host, int port) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port);
        if (tls != null) {
            tls.applyTo(builder);
        } else {
            builder.usePlaintext();
        }
        if (token != null) {
            builder.intercept(new BearerAuthClientInterceptor(token));
        }
        return builder;
    }

    /** The Flight location of a node of this cluster: {@code grpc+tls://} with TLS, else {@code grpc+tcp://}. */
    public Location location(String host, int port) {
        return tls != null ? Location.forGrpcTls(host, port) : Location.forGrpcInsecure(host, port);
    }

    /**
     * A Flight client builder for {@code location}, sending the token if any. A {@code grpc+tls} location
     * uses this config's trusted certificates (the JDK's roots when TLS is not configured here).
     */
    public FlightClient.Builder flightClientBuilder(BufferAllocator allocator, Location location) {
        FlightClient.Builder builder = FlightClient.builder(allocator, location);
        if (LocationSchemes.GRPC_TLS.equals(location.getUri().getScheme())) {
            (tls != null ? tls : TlsConfig.clientOnly(null)).applyTo(builder);
        }
        if (token != null) {
            builder.intercept(new BearerAuthFlightMiddleware.Factory(token));
        }
        return builder;
    }
}
