package dev.numbat.cluster.security;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.numbat.cluster.proto.ErrorInfo;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.grpc.StatusUtils;

/**
 * The one mapping between {@link NumbatException} and the wire: gRPC {@link Status} and Arrow Flight
 * {@link CallStatus}. Servers turn whatever they caught into a status with {@link #toStatusException} /
 * {@link #toFlightException}; clients turn what they received back with {@link #toException}.
 *
 * <p>The status code follows gRPC's meaning so that foreign clients (the Flight SQL JDBC driver, grpcurl)
 * see something sensible: USER_ERROR → INVALID_ARGUMENT, CANCELLED → CANCELLED, EXECUTOR_LOST → UNAVAILABLE,
 * RESOURCE_EXHAUSTED → RESOURCE_EXHAUSTED, OPERATOR_FAILED → ABORTED (INTERNAL in Flight, which has no
 * ABORTED), IO_ERROR and INTERNAL → INTERNAL. The description is the exception's message. The exact
 * {@link ErrorCode} and message also travel in the binary trailer {@value #TRAILER} (a serialized
 * {@link ErrorInfo}), so a Numbat client rebuilds {@code new NumbatException(code, message)} exactly; a
 * status without that trailer (from gRPC itself, e.g. a refused connection) is mapped back by its code.
 */
public final class StatusMapping {
    /** Name of the trailer holding the serialized {@link ErrorInfo}. */
    public static final String TRAILER = "numbat-error-bin";

    private static final Metadata.Key<byte[]> TRAILER_KEY = Metadata.Key.of(TRAILER, Metadata.BINARY_BYTE_MARSHALLER);
    /** How deep to look through wrappers (ExecutionException, CompletionException) for the real failure. */
    private static final int MAX_CAUSE_DEPTH = 8;

    private StatusMapping() {
    }

    // ---- gRPC -------------------------------------------------------------------------------------------

    /** The gRPC code an {@link ErrorCode} travels as. */
    public static Status.Code grpcCode(ErrorCode code) {
        return switch (code) {
            case USER_ERROR -> Status.Code.INVALID_ARGUMENT;
            case CANCELLED -> Status.Code.CANCELLED;
            case EXECUTOR_LOST -> Status.Code.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case OPERATOR_FAILED -> Status.Code.ABORTED;
            case IO_ERROR, INTERNAL -> Status.Code.INTERNAL;
        };
    }

    /**
     * The status for {@code t}, without trailers: prefer {@link #toStatusException}, which also carries the
     * exact code. A gRPC or Flight status exception keeps its status; a {@link NumbatException} found in the
     * cause chain is mapped by its code; anything else is INTERNAL.
     */
    public static Status toStatus(Throwable t) {
        return toStatusException(t).getStatus();
    }

    /** The exception to hand to {@code StreamObserver.onError} for {@code t}: status plus Numbat trailer. */
    public static StatusRuntimeException toStatusException(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        if (t instanceof StatusException e) {
            return e.getStatus().asRuntimeException(e.getTrailers());
        }
        if (t instanceof FlightRuntimeException e) {
            return (StatusRuntimeException) StatusUtils.toGrpcException(e);
        }
        NumbatException ne = asNumbatException(t);
        Metadata trailers = new Metadata();
        trailers.put(TRAILER_KEY, errorInfo(ne).toByteArray());
        return Status.fromCode(grpcCode(ne.code()))
                .withDescription(ne.getMessage())
                .withCause(t)
                .asRuntimeException(trailers);
    }

    /** Rebuilds the exception a server mapped with {@link #toStatusException}; see the class comment. */
    public static NumbatException toException(StatusRuntimeException e) {
        return toException(e.getStatus(), e.getTrailers(), e);
    }

    /** As {@link #toException(StatusRuntimeException)}, for a status and trailers seen by a listener. */
    public static NumbatException toException(Status status, Metadata trailers, Throwable cause) {
        byte[] info = trailers == null ? null : trailers.get(TRAILER_KEY);
        NumbatException exact = fromErrorInfo(info, cause);
        if (exact != null) {
            return exact;
        }
        return new NumbatException(codeOf(status.getCode()), describe(status.getCode().name(), status.getDescription()), cause);
    }

    /** The Numbat code for a gRPC code that came without our trailer. */
    public static ErrorCode codeOf(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE,
                    UNAUTHENTICATED, PERMISSION_DENIED -> ErrorCode.USER_ERROR;
            case CANCELLED -> ErrorCode.CANCELLED;
            case UNAVAILABLE -> ErrorCode.EXECUTOR_LOST;
            case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
            case ABORTED -> ErrorCode.OPERATOR_FAILED;
            case DEADLINE_EXCEEDED -> ErrorCode.IO_ERROR;
            default -> ErrorCode.INTERNAL;
        };
    }

    // ---- Arrow Flight -----------------------------------------------------------------------------------

    /** The Flight code an {@link ErrorCode} travels as. */
    public static FlightStatusCode flightCode(ErrorCode code) {
        return switch (code) {
            case USER_ERROR -> FlightStatusCode.INVALID_ARGUMENT;
            case CANCELLED -> FlightStatusCode.CANCELLED;
            case EXECUTOR_LOST -> FlightStatusCode.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> FlightStatusCode.RESOURCE_EXHAUSTED;
            case OPERATOR_FAILED, IO_ERROR, INTERNAL -> FlightStatusCode.INTERNAL;
        };
    }

    /** The Flight status for {@code t}, with the Numbat trailer in its metadata. */
    public static CallStatus toCallStatus(Throwable t) {
        if (t instanceof FlightRuntimeException e) {
            return e.status();
        }
        if (t instanceof StatusRuntimeException e) {
            return StatusUtils.fromGrpcStatusAndTrailers(e.getStatus(), e.getTrailers());
        }
        if (t instanceof StatusException e) {
            return StatusUtils.fromGrpcStatusAndTrailers(e.getStatus(), e.getTrailers());
        }
        NumbatException ne = asNumbatException(t);
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(TRAILER, errorInfo(ne).toByteArray());
        return new CallStatus(flightCode(ne.code()), t, ne.getMessage(), metadata);
    }

    /** The exception a Flight producer throws for {@code t}. */
    public static FlightRuntimeException toFlightException(Throwable t) {
        return t instanceof FlightRuntimeException e ? e : toCallStatus(t).toRuntimeException();
    }

    /** Rebuilds the exception a Flight server mapped with {@link #toFlightException}. */
    public static NumbatException toException(FlightRuntimeException e) {
        CallStatus status = e.status();
        ErrorFlightMetadata metadata = status.metadata();
        byte[] info = metadata != null && metadata.containsKey(TRAILER) ? metadata.getByte(TRAILER) : null;
        NumbatException exact = fromErrorInfo(info, e);
        if (exact != null) {
            return exact;
        }
        return new NumbatException(codeOf(status.code()), describe(status.code().name(), status.description()), e);
    }

    /** The Numbat code for a Flight code that came without our trailer. */
    public static ErrorCode codeOf(FlightStatusCode code) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, UNAUTHENTICATED, UNAUTHORIZED -> ErrorCode.USER_ERROR;
            case CANCELLED -> ErrorCode.CANCELLED;
            case UNAVAILABLE -> ErrorCode.EXECUTOR_LOST;
            case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
            case TIMED_OUT -> ErrorCode.IO_ERROR;
            default -> ErrorCode.INTERNAL;
        };
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static NumbatException asNumbatException(Throwable t) {
        Throwable c = t;
        for (int depth = 0; c != null && depth < MAX_CAUSE_DEPTH; depth++, c = c.getCause()) {
            if (c instanceof NumbatException ne) {
                return ne;
            }
        }
        String message = t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
        return NumbatException.internal(message, t);
    }

    private static ErrorInfo errorInfo(NumbatException e) {
        return ErrorInfo.newBuilder()
                .setCode(e.code().name())
                .setMessage(e.getMessage() == null ? "" : e.getMessage())
                .build();
    }

    /** The exception described by a serialized {@link ErrorInfo}, or null if absent or unreadable. */
    private static NumbatException fromErrorInfo(byte[] bytes, Throwable cause) {
        if (bytes == null) {
            return null;
        }
        try {
            ErrorInfo info = ErrorInfo.parseFrom(bytes);
            // A newer peer may send a code this build does not know: keep its name in the message.
            for (ErrorCode code : ErrorCode.values()) {
                if (code.name().equals(info.getCode())) {
                    return new NumbatException(code, info.getMessage(), cause);
                }
            }
            return new NumbatException(ErrorCode.INTERNAL, info.getCode() + ": " + info.getMessage(), cause);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static String describe(String code, String description) {
        return description == null || description.isEmpty() ? code : code + ": " + description;
    }
}
