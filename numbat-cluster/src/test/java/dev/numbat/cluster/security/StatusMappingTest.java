package dev.numbat.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.junit.jupiter.api.Test;

/** The mapping without a network; BearerAuthTest checks the same codes across a real server. */
class StatusMappingTest {
    @Test
    void grpcCodesFollowTheTable() {
        Map<ErrorCode, Status.Code> expected = Map.of(
                ErrorCode.USER_ERROR, Status.Code.INVALID_ARGUMENT,
                ErrorCode.CANCELLED, Status.Code.CANCELLED,
                ErrorCode.EXECUTOR_LOST, Status.Code.UNAVAILABLE,
                ErrorCode.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED,
                ErrorCode.OPERATOR_FAILED, Status.Code.ABORTED,
                ErrorCode.IO_ERROR, Status.Code.INTERNAL,
                ErrorCode.INTERNAL, Status.Code.INTERNAL);
        expected.forEach((code, grpc) -> assertThat(StatusMapping.grpcCode(code)).as(code.name()).isEqualTo(grpc));
    }

    @Test
    void everyCodeRoundTripsThroughGrpcAndFlight() {
        for (ErrorCode code : ErrorCode.values()) {
            NumbatException original = new NumbatException(code, "message for " + code + " with ünïcode\nand lines");

            StatusRuntimeException wire = StatusMapping.toStatusException(original);
            assertThat(wire.getStatus().getDescription()).isEqualTo(original.getMessage());
            NumbatException back = StatusMapping.toException(wire);
            assertThat(back.code()).isEqualTo(code);
            assertThat(back.getMessage()).isEqualTo(original.getMessage());

            FlightRuntimeException flight = StatusMapping.toFlightException(original);
            assertThat(flight.status().code()).isEqualTo(StatusMapping.flightCode(code));
            NumbatException fromFlight = StatusMapping.toException(flight);
            assertThat(fromFlight.code()).isEqualTo(code);
            assertThat(fromFlight.getMessage()).isEqualTo(original.getMessage());

            // Through Flight's own gRPC conversion, as a Flight server and client do it.
            StatusRuntimeException flightWire = (StatusRuntimeException) StatusUtils.toGrpcException(flight);
            assertThat(StatusMapping.toException(StatusUtils.fromGrpcRuntimeException(flightWire)).code()).isEqualTo(code);
            assertThat(StatusMapping.toException(flightWire).code()).isEqualTo(code);
        }
    }

    @Test
    void wrappedNumbatExceptionsAreFound() {
        NumbatException inner = new NumbatException(ErrorCode.RESOURCE_EXHAUSTED, "out of memory budget");
        Status status = StatusMapping.toStatus(new CompletionException(new RuntimeException(inner)));
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).isEqualTo("out of memory budget");
    }

    @Test
    void otherThrowablesAreInternal() {
        StatusRuntimeException e = StatusMapping.toStatusException(new IllegalStateException("bug"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        NumbatException back = StatusMapping.toException(e);
        assertThat(back.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(back.getMessage()).isEqualTo("java.lang.IllegalStateException: bug");
    }

    @Test
    void statusExceptionsPassThrough() {
        StatusRuntimeException denied = Status.PERMISSION_DENIED.withDescription("no").asRuntimeException();
        assertThat(StatusMapping.toStatusException(denied)).isSameAs(denied);
        FlightRuntimeException flight = CallStatus.NOT_FOUND.withDescription("no flight").toRuntimeException();
        assertThat(StatusMapping.toStatus(flight).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void statusesWithoutTrailerMapByCode() {
        assertThat(StatusMapping.toException(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException()))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EXECUTOR_LOST);
                    assertThat(e.getMessage()).isEqualTo("UNAVAILABLE: connection refused");
                });
        assertThat(StatusMapping.toException(Status.UNAUTHENTICATED.asRuntimeException()).code()).isEqualTo(ErrorCode.USER_ERROR);
        assertThat(StatusMapping.toException(Status.DEADLINE_EXCEEDED.asRuntimeException()).code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(StatusMapping.toException(Status.UNKNOWN.asRuntimeException()).code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(StatusMapping.toException(CallStatus.TIMED_OUT.toRuntimeException()).code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(StatusMapping.codeOf(FlightStatusCode.UNAUTHORIZED)).isEqualTo(ErrorCode.USER_ERROR);
    }

    @Test
    void unreadableOrUnknownTrailerFallsBack() {
        Metadata garbage = new Metadata();
        garbage.put(Metadata.Key.of(StatusMapping.TRAILER, Metadata.BINARY_BYTE_MARSHALLER), new byte[] {(byte) 0xff, 1, 2});
        assertThat(StatusMapping.toException(Status.ABORTED.withDescription("x").asRuntimeException(garbage)).code())
                .isEqualTo(ErrorCode.OPERATOR_FAILED);

        Metadata future = new Metadata();
        future.put(Metadata.Key.of(StatusMapping.TRAILER, Metadata.BINARY_BYTE_MARSHALLER),
                dev.numbat.cluster.proto.ErrorInfo.newBuilder().setCode("QUOTA_EXCEEDED").setMessage("m").build().toByteArray());
        NumbatException e = StatusMapping.toException(Status.INTERNAL.asRuntimeException(future));
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("QUOTA_EXCEEDED: m");
    }
}
