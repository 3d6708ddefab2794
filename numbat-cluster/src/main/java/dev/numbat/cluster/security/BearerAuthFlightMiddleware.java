package dev.numbat.cluster.security;

import java.util.Objects;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClientMiddleware;

/**
 * Adds {@code authorization: Bearer <token>} to every call of a {@code FlightClient}:
 * {@code FlightClient.builder(...).intercept(new BearerAuthFlightMiddleware.Factory(token))}.
 * {@link ClusterSecurity#flightClientBuilder} does this.
 */
public final class BearerAuthFlightMiddleware implements FlightClientMiddleware {
    private final String headerValue;

    private BearerAuthFlightMiddleware(String headerValue) {
        this.headerValue = headerValue;
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoing) {
        outgoing.insert("authorization", headerValue);
    }

    @Override
    public void onHeadersReceived(CallHeaders incoming) {
    }

    @Override
    public void onCallCompleted(CallStatus status) {
    }

    /** One middleware per call, all sending the same token. */
    public static final class Factory implements FlightClientMiddleware.Factory {
        private final BearerAuthFlightMiddleware middleware;

        public Factory(AuthToken token) {
            // Stateless, so every call can share one instance.
            this.middleware = new BearerAuthFlightMiddleware(Objects.requireNonNull(token, "token").headerValue());
        }

        @Override
        public FlightClientMiddleware onCallStarted(CallInfo info) {
            return middleware;
        }
    }
}
