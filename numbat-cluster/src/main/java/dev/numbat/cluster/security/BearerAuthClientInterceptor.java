package dev.numbat.cluster.security;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Objects;

/**
 * Adds {@code authorization: Bearer <token>} to every call on a channel, for our own gRPC stubs:
 * {@code NettyChannelBuilder.intercept(new BearerAuthClientInterceptor(token))}, or
 * {@code ClientInterceptors.intercept(channel, ...)}. {@link ClusterSecurity#channelBuilder} does this.
 */
public final class BearerAuthClientInterceptor implements ClientInterceptor {
    private final String headerValue;

    public BearerAuthClientInterceptor(AuthToken token) {
        this.headerValue = Objects.requireNonNull(token, "token").headerValue();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(BearerAuthServerInterceptor.AUTHORIZATION, headerValue);
                super.start(listener, headers);
            }
        };
    }
}
