package dev.numbat.cluster.flightsql;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around an incompatibility between Arrow Flight 18.3 and gRPC 1.85: Flight's zero-copy read path
 * ({@code GetReadableBuffer.readIntoBuffer}) calls {@code io.grpc.internal.ReadableBuffer.readBytes(ByteBuffer)},
 * which gRPC no longer has, so every incoming Arrow batch (a client's {@code DoPut}, or a {@code DoGet} read by
 * a Flight client in this JVM) fails with {@code NoSuchMethodError}. Flight's own switch
 * {@code arrow.flight.enable_zero_copy_read=false} selects the copying path instead. It is read once, when
 * Flight's {@code ArrowMessage} class initialises, so it must be set before any Flight traffic: the JVM flag
 * is the reliable place; this sets it as early as the Flight SQL producer loads, in case the flag is missing.
 */
final class FlightCompat {
    static final String ZERO_COPY_READ = "arrow.flight.enable_zero_copy_read";
    private static final Logger LOG = LoggerFactory.getLogger(FlightCompat.class);

    private FlightCompat() {
    }

    static void disableBrokenZeroCopyRead() {
        if (System.getProperty(ZERO_COPY_READ) != null || System.getenv("ARROW_FLIGHT_ENABLE_ZERO_COPY_READ") != null) {
            return;
        }
        try {
            io.grpc.internal.ReadableBuffer.class.getMethod("readBytes", ByteBuffer.class);
        } catch (NoSuchMethodException e) {
            System.setProperty(ZERO_COPY_READ, "false");
            LOG.debug("gRPC lacks ReadableBuffer.readBytes(ByteBuffer): set {}=false", ZERO_COPY_READ);
        }
    }
}
