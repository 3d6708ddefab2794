package dev.numbat.cluster.exchange;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.numbat.cluster.proto.ErrorInfo;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;

/**
 * How exchange streams carry a {@link NumbatException} over Flight: the status description is
 * {@code "CODE: message"} and the binary trailer {@value #TRAILER} holds the exact {@link ErrorInfo}. A status
 * without that trailer did not come from a Numbat producer (the connection broke, the process died), so the
 * reading side reports it as a lost executor. Same trailer as the cluster-wide status mapping, so the two
 * interoperate.
 */
final class ExchangeStatus {
    static final String TRAILER = "numbat-error-bin";
    private static final int MAX_CAUSE_DEPTH = 8;

    private ExchangeStatus() {
    }

    /** The exception to end a stream with for {@code t}. */
    static FlightRuntimeException toFlight(Throwable t) {
        if (t instanceof FlightRuntimeException e) {
            return e;
        }
        NumbatException ne = asNumbat(t);
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(TRAILER, ErrorInfo.newBuilder().setCode(ne.code().name())
                .setMessage(String.valueOf(ne.getMessage())).build().toByteArray());
        return new CallStatus(dev.numbat.cluster.security.StatusMapping.flightCode(ne.code()), t, ne.code().name() + ": " + ne.getMessage(), metadata)
                .toRuntimeException();
    }

    /**
     * What the reader of a stream from {@code location} reports for a failed stream: the producer's own error
     * if it sent one, otherwise EXECUTOR_LOST naming the location.
     */
    static NumbatException fromFlight(FlightRuntimeException e, Location location) {
        CallStatus status = e.status();
        ErrorFlightMetadata metadata = status.metadata();
        if (metadata != null && metadata.containsKey(TRAILER)) {
            try {
                ErrorInfo info = ErrorInfo.parseFrom(metadata.getByte(TRAILER));
                for (ErrorCode code : ErrorCode.values()) {
                    if (code.name().equals(info.getCode())) {
                        return new NumbatException(code, info.getMessage(), e);
                    }
                }
                return new NumbatException(ErrorCode.INTERNAL, info.getCode() + ": " + info.getMessage(), e);
            } catch (InvalidProtocolBufferException ignored) {
                // Not ours after all: treat as a transport failure below.
            }
        }
        String what = status.code() + (status.description() == null || status.description().isEmpty()
                ? "" : ": " + status.description());
        if (status.code() == FlightStatusCode.UNAUTHENTICATED || status.code() == FlightStatusCode.UNAUTHORIZED
                || status.code() == FlightStatusCode.UNIMPLEMENTED
                || status.code() == FlightStatusCode.INVALID_ARGUMENT) {
            // The executor is there but refuses us: a configuration problem, not a lost process.
            return new NumbatException(ErrorCode.INTERNAL, "executor at " + hostPort(location)
                    + " refused an exchange stream: " + what, e);
        }
        return new NumbatException(ErrorCode.EXECUTOR_LOST, "lost executor at " + hostPort(location) + ": " + what, e);
    }

    static String hostPort(Location location) {
        var uri = location.getUri();
        return uri.getHost() == null ? uri.toString() : uri.getHost() + ":" + uri.getPort();
    }

    private static NumbatException asNumbat(Throwable t) {
        Throwable c = t;
        for (int depth = 0; c != null && depth < MAX_CAUSE_DEPTH; depth++, c = c.getCause()) {
            if (c instanceof NumbatException ne) {
                return ne;
            }
        }
        String message = t.getMessage() == null
                ? t.getClass().getName()
                : t.getClass().getName() + ": " + t.getMessage();
        return NumbatException.internal(message, t);
    }
}
