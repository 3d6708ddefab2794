package dev.numbat.cluster.flightsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight SQL served through {@link NumbatFlightSqlProducer#bindable} on a plain gRPC Netty server that also
 * hosts another service, as the scheduler does on one port: the stock JDBC driver and a gRPC client of the
 * other service both reach it.
 */
@Timeout(120)
class FlightSqlOnGrpcServerTest {
    @TempDir
    static Path dir;

    @Test
    void jdbcAndAnotherServiceShareOnePort() throws Exception {
        try (FlightSqlTestServer server =
                new FlightSqlTestServer(dir, NumbatFlightSqlProducer.Options.defaults(), true)) {
            try (Connection c = server.connect()) {
                String query = "SELECT name, count(*) AS n FROM items GROUP BY name";
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                    List<List<Object>> actual = FlightSqlTestServer.rows(rs);
                    List<List<Object>> expected = server.duckdb(query);
                    actual.sort(FlightSqlTestServer.ROWS);
                    expected.sort(FlightSqlTestServer.ROWS);
                    assertThat(actual).isEqualTo(expected);
                }
                // DoPut (executeUpdate) goes through the same service.
                Path csv = dir.resolve("more.csv");
                Files.writeString(csv, "a,b\n1,x\n2,y\n");
                try (Statement st = c.createStatement()) {
                    assertThat(st.executeUpdate("CREATE EXTERNAL TABLE more STORED AS CSV LOCATION '" + csv + "'"))
                            .isZero();
                }
                try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
                    int tables = 0;
                    while (rs.next()) {
                        tables++;
                    }
                    assertThat(tables).isEqualTo(4);
                }
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                byte[] answer = ClientCalls.blockingUnaryCall(channel, EchoService.ECHO,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                        "ping".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("ping");
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            assertThat(server.producer.pendingStatements()).isZero();
            assertThat(server.backend.openResults.get()).isZero();
        }
    }
}
