package dev.numbat.cluster.exchange;

import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around Arrow Flight 18.3 on gRPC 1.79+: Flight's "zero-copy read" path calls
 * {@code io.grpc.internal.ReadableBuffer.readBytes(ByteBuffer)}, which gRPC 1.79 deleted, so every Flight
 * client reading a batch fails with {@code NoSuchMethodError} ("CANCELLED: Failed to read message";
 * apache/arrow-java#1024). Turning that path off ({@value #PROPERTY}=false) makes Flight read through a heap
 * array instead. Flight reads the property once, when its {@code ArrowMessage} class initialises, so this must
 * run before any Flight stream is read; the classes that open streams call it from their static initialisers,
 * and the launcher should also pass {@code -D}{@value #PROPERTY}{@code =false}. Drop this class once Arrow
 * ships the fix (or gRPC is pinned below 1.79).
 */
final class FlightCompat {
    static final String PROPERTY = "arrow.flight.enable_zero_copy_read";
    private static final Logger LOG = LoggerFactory.getLogger(FlightCompat.class);

    static {
        if (System.getProperty(PROPERTY) == null && System.getenv("ARROW_FLIGHT_ENABLE_ZERO_COPY_READ") == null) {
            System.setProperty(PROPERTY, "false");
        }
        try {
            Field f = Class.forName("org.apache.arrow.flight.ArrowMessage").getDeclaredField("ENABLE_ZERO_COPY_READ");
            f.setAccessible(true);
            if (f.getBoolean(null)) {
                LOG.error("Arrow Flight initialised with {} on before Numbat could turn it off: reading Flight streams"
                        + " will fail on this gRPC version; start the JVM with -D{}=false", PROPERTY, PROPERTY);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot check Arrow Flight's zero-copy read setting: {}", e.toString());
        }
    }

    private FlightCompat() {
    }

    /** Applies the workaround (idempotent; the work happens once, in the static initialiser). */
    static void ensureReadable() {
        // Loading this class is the point.
    }
}
