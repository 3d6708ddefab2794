package dev.numbat.cluster.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The producer over a scripted backend: every batch reaches the client, failures in the middle of a stream
 * reach it with the status their code maps to, results that do not match their schema are refused, and
 * everything is closed (leak-checked allocator).
 */
@Timeout(60)
class NumbatFlightSqlProducerTest {
    private static final Schema INTS = new Schema(List.of(Field.nullable("x", new ArrowType.Int(32, true))));

    BufferAllocator allocator;
    ScriptedBackend backend;
    NumbatFlightSqlProducer producer;
    FlightServer server;
    FlightSqlClient client;

    @BeforeEach
    void start() throws Exception {
        allocator = TestAllocator.create();
        backend = new ScriptedBackend();
        producer = new NumbatFlightSqlProducer(backend, allocator);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), producer).build().start();
        client = new FlightSqlClient(FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1",
                server.getPort())).build());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdown();
        server.awaitTermination();
        server.close();
        producer.close();
        assertThat(backend.open.get()).as("results left open").isZero();
        allocator.close();
    }

    @Test
    void everyBatchArrivesInOrder() throws Exception {
        backend.batches = 50;
        List<Integer> values = read(client.execute("many"));
        assertThat(values).hasSize(50 * 100);
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aFailureInTheStreamReachesTheClientWithItsStatus(ErrorCode code) throws Exception {
        backend.batches = 5;
        backend.failAfter = 2;
        backend.failure = code;
        FlightInfo info = client.execute("fails");
        assertThatThrownBy(() -> read(info))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(switch (code) {
                        case USER_ERROR -> FlightStatusCode.INVALID_ARGUMENT;
                        case CANCELLED -> FlightStatusCode.CANCELLED;
                        case EXECUTOR_LOST -> FlightStatusCode.UNAVAILABLE;
                        default -> FlightStatusCode.INTERNAL;
                    });
                    assertThat(e.getMessage()).isEqualTo(code.name() + ": scripted failure");
                });
    }

    @Test
    void aPlanningFailureFailsGetFlightInfo() {
        backend.planFailure = new NumbatException(ErrorCode.USER_ERROR, "SQL error at line 1, column 8: nope");
        assertThatThrownBy(() -> client.execute("bad"))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).isEqualTo("USER_ERROR: SQL error at line 1, column 8: nope");
                });
        backend.planFailure = new IllegalStateException("a bug");
        assertThatThrownBy(() -> client.execute("bug"))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("INTERNAL: a bug");
                });
    }

    @Test
    void batchesThatDoNotMatchTheSchemaAreRefused() throws Exception {
        backend.batches = 1;
        backend.wrongType = true;
        FlightInfo info = client.execute("wrong");
        assertThatThrownBy(() -> read(info))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.INTERNAL);
                    assertThat(e.getMessage()).startsWith("INTERNAL: result column 0 is x: Int(64, true)");
                });
    }

    @Test
    void likePatterns() {
        assertThat(MetadataResults.like("it%", "items")).isTrue();
        assertThat(MetadataResults.like("i_ems", "items")).isTrue();
        assertThat(MetadataResults.like("i_ems", "iitems")).isFalse();
        assertThat(MetadataResults.like("a\\_b", "a_b")).isTrue();
        assertThat(MetadataResults.like("a\\_b", "axb")).isFalse();
        assertThat(MetadataResults.like("a.b", "axb")).as("regex characters are literal").isFalse();
        assertThat(MetadataResults.like("%", "")).isTrue();
    }

    private List<Integer> read(FlightInfo info) throws Exception {
        List<Integer> values = new java.util.ArrayList<>();
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
            while (stream.next()) {
                IntVector v = (IntVector) stream.getRoot().getVector(0);
                for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
                    values.add(v.get(i));
                }
            }
        }
        return values;
    }

    /** Batches of 100 consecutive ints; optionally fails after some batches or sends a wrongly typed column. */
    final class ScriptedBackend implements SqlBackend {
        volatile int batches;
        volatile int failAfter = -1;
        volatile ErrorCode failure;
        volatile RuntimeException planFailure;
        volatile boolean wrongType;
        final AtomicInteger open = new AtomicInteger();

        @Override
        public Schema schema(String sql) {
            return INTS;
        }

        @Override
        public SqlResult execute(String sql) {
            if (planFailure != null) {
                throw planFailure;
            }
            open.incrementAndGet();
            return new SqlResult() {
                int sent;
                boolean closed;

                @Override
                public Schema schema() {
                    return INTS;
                }

                @Override
                public VectorSchemaRoot next() {
                    if (sent == failAfter) {
                        throw new NumbatException(failure, "scripted failure");
                    }
                    if (sent == batches) {
                        return null;
                    }
                    VectorSchemaRoot root;
                    if (wrongType) {
                        Schema longs = new Schema(List.of(Field.nullable("x", new ArrowType.Int(64, true))));
                        root = VectorSchemaRoot.create(longs, allocator);
                        ((BigIntVector) root.getVector(0)).allocateNew(1);
                        root.setRowCount(1);
                    } else {
                        root = VectorSchemaRoot.create(INTS, allocator);
                        IntVector v = (IntVector) root.getVector(0);
                        v.allocateNew(100);
                        for (int i = 0; i < 100; i++) {
                            v.set(i, sent * 100 + i);
                        }
                        root.setRowCount(100);
                    }
                    sent++;
                    return root;
                }

                @Override
                public void cancel() {
                }

                @Override
                public long updateCount() {
                    return -1;
                }

                @Override
                public synchronized void close() {
                    if (!closed) {
                        closed = true;
                        open.decrementAndGet();
                    }
                }
            };
        }

        @Override
        public List<TableInfo> tables() {
            return List.of(new TableInfo("t", INTS));
        }
    }
}
