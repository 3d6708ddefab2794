package dev.numbat.cluster.flightsql;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbat's errors as Flight statuses, mapped once at the network boundary: the status code from the
 * {@link ErrorCode}, the description {@code "<CODE>: <message>"} so that a JDBC user reads both the kind of
 * failure and Numbat's text (for bad SQL, the line and column).
 */
final class FlightErrors {
    private static final Logger LOG = LoggerFactory.getLogger(FlightErrors.class);

    private FlightErrors() {
    }

    /** The Flight status for {@code code}. */
    static CallStatus status(ErrorCode code) {
        return switch (code) {
            case USER_ERROR -> CallStatus.INVALID_ARGUMENT;
            case CANCELLED -> CallStatus.CANCELLED;
            case EXECUTOR_LOST -> CallStatus.UNAVAILABLE;
            case RESOURCE_EXHAUSTED, IO_ERROR, OPERATOR_FAILED, INTERNAL -> CallStatus.INTERNAL;
        };
    }

    /**
     * {@code t} as the exception a Flight call fails with. A Flight exception passes through unchanged; a
     * {@link NumbatException} anywhere in the cause chain decides the status; anything else is a bug
     * (INTERNAL) and is logged with its stack trace.
     */
    static FlightRuntimeException toFlight(Throwable t) {
        if (t instanceof FlightRuntimeException f) {
            return f;
        }
        NumbatException ne = find(t);
        if (ne == null) {
            LOG.warn("Flight SQL call failed unexpectedly", t);
            String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
            return CallStatus.INTERNAL.withDescription(ErrorCode.INTERNAL.name() + ": " + message).withCause(t)
                    .toRuntimeException();
        }
        if (ne.code() == ErrorCode.INTERNAL) {
            LOG.warn("Flight SQL call failed", ne);
        } else {
            LOG.debug("Flight SQL call failed: {}", ne.toString());
        }
        return status(ne.code()).withDescription(ne.code().name() + ": " + ne.getMessage()).withCause(ne)
                .toRuntimeException();
    }

    /** An INVALID_ARGUMENT status with a USER_ERROR-style description, for requests the endpoint refuses. */
    static FlightRuntimeException invalid(String format, Object... args) {
        return CallStatus.INVALID_ARGUMENT
                .withDescription(ErrorCode.USER_ERROR.name() + ": " + String.format(format, args))
                .toRuntimeException();
    }

    private static NumbatException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NumbatException ne) {
                return ne;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
