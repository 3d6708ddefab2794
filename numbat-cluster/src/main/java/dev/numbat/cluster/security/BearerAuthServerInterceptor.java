package dev.numbat.cluster.security;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses every gRPC call that does not carry {@code authorization: Bearer <token>} with the cluster's
 * token, closing it with {@link Status#UNAUTHENTICATED} before any service code runs.
 *
 * <p>Install it on the whole server ({@code NettyServerBuilder.intercept(...)}, or through
 * {@link ClusterSecurity#configure}) so that it also guards the Arrow Flight and Flight SQL services that
 * {@code FlightGrpcUtils.createFlightService} hosts on the same server, the Flight {@code Handshake}
 * included: those services are then created with {@code ServerAuthHandler.NO_OP}, and this interceptor is
 * the only check. The stock Flight SQL JDBC driver sends its URL's {@code token=} exactly this way.
 */
public final class BearerAuthServerInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthServerInterceptor.class);

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final AuthToken token;

    public BearerAuthServerInterceptor(AuthToken token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String refusal = check(headers.get(AUTHORIZATION));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        LOG.debug("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), refusal);
        call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Null when the header carries the right token, else why not (never echoing what was sent). */
    private String check(String header) {
        if (header == null) {
            return "missing credentials: this Numbat cluster requires the header 'authorization: Bearer <token>'";
        }
        // The scheme is case-insensitive (RFC 7235); the token itself is not.
        if (header.length() < AuthToken.BEARER_PREFIX.length()
                || !header.regionMatches(true, 0, AuthToken.BEARER_PREFIX, 0, AuthToken.BEARER_PREFIX.length())) {
            return "unsupported credentials: expected 'authorization: Bearer <token>'";
        }
        String presented = header.substring(AuthToken.BEARER_PREFIX.length()).strip();
        return token.matches(presented) ? null : "invalid bearer token for this Numbat cluster";
    }
}
