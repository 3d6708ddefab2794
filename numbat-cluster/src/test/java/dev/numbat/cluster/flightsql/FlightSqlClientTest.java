package dev.numbat.cluster.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.cluster.flightsql.NumbatFlightSqlProducer.Options;
import java.nio.channels.Channels;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrow's own {@link FlightSqlClient} (what ADBC and other clients send) against the producer: statements
 * through GetFlightInfo + DoGet, updates through DoPut, cancellation, and the timeouts that close statements
 * nobody reads or uses.
 */
@Timeout(120)
class FlightSqlClientTest {
    @TempDir
    static Path dir;
    FlightSqlTestServer server;
    BufferAllocator clientAllocator;
    FlightSqlClient sql;

    void start(Options options) throws Exception {
        server = new FlightSqlTestServer(dir, options);
        clientAllocator = server.allocator.newChildAllocator("client", 0, Long.MAX_VALUE);
        sql = new FlightSqlClient(FlightClient.builder(clientAllocator,
                Location.forGrpcInsecure("127.0.0.1", server.port())).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (sql != null) {
            sql.close();
        }
        if (clientAllocator != null) {
            clientAllocator.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statementTicketIsReadOnceFromThisServer() throws Exception {
        start(Options.defaults());
        FlightInfo info = sql.execute("SELECT id, qty FROM items WHERE id < 2500");
        assertThat(info.getSchemaOptional().orElseThrow().getFields()).extracting(Field::getName).containsExactly("id", "qty");
        assertThat(info.getEndpoints()).hasSize(1);
        FlightEndpoint endpoint = info.getEndpoints().get(0);
        assertThat(endpoint.getLocations()).as("empty: fetch from the same server").isEmpty();
        assertThat(server.producer.pendingStatements()).isEqualTo(1);

        long rows = 0;
        long qty = 0;
        try (FlightStream stream = sql.getStream(endpoint.getTicket())) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                BigIntVector q = (BigIntVector) root.getVector("qty");
                for (int i = 0; i < root.getRowCount(); i++) {
                    qty += q.get(i);
                }
                rows += root.getRowCount();
            }
        }
        assertThat(rows).isEqualTo(2500);
        assertThat(qty).isEqualTo(server.duckdb("SELECT sum(qty) FROM items WHERE id < 2500").get(0).get(0));
        assertThat(server.producer.pendingStatements()).isZero();
        assertThat(server.backend.openResults.get()).isZero();

        assertThatThrownBy(() -> drain(endpoint.getTicket()))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    }

    @Test
    void badSqlIsInvalidArgumentWithNumbatsMessage() throws Exception {
        start(Options.defaults());
        assertThatThrownBy(() -> sql.execute("SELECT nosuch FROM items"))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("USER_ERROR: SQL error at line 1, column 8:")
                            .contains("nosuch");
                });
        assertThatThrownBy(() -> sql.getExecuteSchema("SELECT FROM"))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT));
        assertThat(sql.getExecuteSchema("SELECT name FROM items").getSchema().getFields())
                .extracting(Field::getName).containsExactly("name");
    }

    @Test
    void executeUpdateRunsDdl() throws Exception {
        start(Options.defaults());
        String items = dir.resolve("items.parquet").toString();
        assertThat(sql.executeUpdate("CREATE EXTERNAL TABLE copy STORED AS PARQUET LOCATION '" + items + "'"))
                .isZero();
        assertThat(readLongs(sql.execute("SELECT count(*) AS n FROM copy"))).containsExactly(5000L);
        assertThatThrownBy(() -> sql.executeUpdate("DROP TABLE nosuch"))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).isEqualTo("USER_ERROR: no table nosuch");
                });
        assertThat(server.backend.openResults.get()).isZero();
    }

    @Test
    void cancelStopsAPendingStatement() throws Exception {
        start(Options.defaults());
        FlightInfo info = sql.execute("SELECT k, v, s FROM big");
        assertThat(server.producer.pendingStatements()).isEqualTo(1);
        assertThat(sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus())
                .isEqualTo(CancelStatus.CANCELLED);
        assertThat(server.producer.pendingStatements()).isZero();
        assertThat(server.backend.openResults.get()).isZero();
        assertThat(server.backend.cancelled.get()).as("the job was still running").isEqualTo(1);
        assertThatThrownBy(() -> drain(info.getEndpoints().get(0).getTicket()))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
        // A finished statement is no longer cancellable.
        assertThat(sql.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus())
                .isEqualTo(CancelStatus.NOT_CANCELLABLE);
    }

    @Test
    void statementsNobodyReadsAreClosedAfterTheTimeout() throws Exception {
        start(Options.defaults().withPendingTimeout(Duration.ofMillis(300)));
        for (int i = 0; i < 3; i++) {
            sql.execute("SELECT k, v, s FROM big");
        }
        assertThat(server.producer.pendingStatements()).isEqualTo(3);
        await(() -> server.producer.pendingStatements() == 0 && server.backend.openResults.get() == 0);
        assertThat(server.backend.cancelled.get()).isEqualTo(3);
    }

    @Test
    void idlePreparedStatementsAreForgotten() throws Exception {
        start(Options.defaults().withPreparedIdleTimeout(Duration.ofMillis(300)));
        try (FlightSqlClient.PreparedStatement ps = sql.prepare("SELECT count(*) AS n FROM labels")) {
            assertThat(readLongs(ps.execute())).containsExactly(5L);
            await(() -> server.producer.preparedStatements() == 0);
            assertThatThrownBy(ps::execute)
                    .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                        assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("unknown prepared statement");
                    });
        }
    }

    @Test
    void tablesWithSchemasAndSqlInfo() throws Exception {
        start(Options.defaults());
        FlightInfo info = sql.getTables(null, null, "items", null, true);
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket())) {
            assertThat(stream.next()).isTrue();
            VectorSchemaRoot root = stream.getRoot();
            assertThat(root.getRowCount()).isEqualTo(1);
            byte[] bytes = ((VarBinaryVector) root.getVector("table_schema")).get(0);
            Schema schema = MessageSerializer.deserializeSchema(
                    new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
            assertThat(schema.getFields()).extracting(Field::getName)
                    .containsExactly("id", "qty", "price", "name", "sold_on", "grp");
            assertThat(schema.findField("price").getMetadata())
                    .containsEntry("ARROW:FLIGHT:SQL:SCALE", "2")
                    .containsEntry("ARROW:FLIGHT:SQL:TABLE_NAME", "items");
            assertThat(stream.next()).isFalse();
        }
        FlightInfo infoInfo = sql.getSqlInfo(SqlInfo.FLIGHT_SQL_SERVER_NAME);
        try (FlightStream stream = sql.getStream(infoInfo.getEndpoints().get(0).getTicket())) {
            assertThat(stream.next()).isTrue();
            assertThat(stream.getRoot().getRowCount()).isEqualTo(1);
            assertThat(stream.getRoot().getVector("value").getObject(0).toString()).isEqualTo("Numbat");
        }
        FlightInfo types = sql.getTableTypes();
        try (FlightStream stream = sql.getStream(types.getEndpoints().get(0).getTicket())) {
            List<String> names = new ArrayList<>();
            while (stream.next()) {
                VarCharVector v = (VarCharVector) stream.getRoot().getVector(0);
                for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
                    names.add(v.getObject(i).toString());
                }
            }
            assertThat(names).containsExactly("TABLE", "VIEW");
        }
    }

    private void drain(Ticket ticket) throws Exception {
        try (FlightStream stream = sql.getStream(ticket)) {
            while (stream.next()) {
                // reading only
            }
        }
    }

    private List<Long> readLongs(FlightInfo info) throws Exception {
        List<Long> values = new ArrayList<>();
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket())) {
            while (stream.next()) {
                BigIntVector v = (BigIntVector) stream.getRoot().getVector(0);
                for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
                    values.add(v.get(i));
                }
            }
        }
        return values;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
