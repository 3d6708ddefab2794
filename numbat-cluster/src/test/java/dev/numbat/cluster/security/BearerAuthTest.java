package dev.numbat.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plaintext server that requires the bearer token: our gRPC service, Flight and Flight SQL (through the
 * stock JDBC driver) all refuse calls without it or with a wrong one, and work with it.
 */
@Timeout(120)
class BearerAuthTest {
    private static final AuthToken TOKEN = AuthToken.generate();
    private static final AuthToken WRONG = AuthToken.of("not-the-token");

    private static TestServer server;
    private BufferAllocator allocator;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestServer(new ClusterSecurity(null, TOKEN));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void createAllocator() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        allocator.close();
    }

    private ManagedChannel channel(AuthToken token) {
        ManagedChannel channel = new ClusterSecurity(null, token).channelBuilder("127.0.0.1", server.port()).build();
        clients.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        });
        return channel;
    }

    private FlightClient flight(AuthToken token) {
        FlightClient client = new ClusterSecurity(null, token)
                .flightClientBuilder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
        clients.add(client);
        return client;
    }

    private static void assertUnauthenticated(Throwable e, String description) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) e).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).contains(description);
    }

    // ---- our own gRPC services ----------------------------------------------------------------------

    @Test
    void grpcCallWithoutTokenIsRefused() {
        assertThatThrownBy(() -> TestServer.echo(channel(null), "", "hello"))
                .satisfies(e -> assertUnauthenticated(e, "missing credentials"));
    }

    @Test
    void grpcCallWithWrongTokenIsRefused() {
        assertThatThrownBy(() -> TestServer.echo(channel(WRONG), "", "hello"))
                .satisfies(e -> assertUnauthenticated(e, "invalid bearer token"));
    }

    @Test
    void grpcCallWithOtherSchemeIsRefused() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .intercept(new ClientInterceptor() {
                    @Override
                    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                            @Override
                            public void start(Listener<R> listener, Metadata headers) {
                                headers.put(BearerAuthServerInterceptor.AUTHORIZATION, "Basic " + TOKEN.value());
                                super.start(listener, headers);
                            }
                        };
                    }
                })
                .build();
        clients.add(channel::shutdownNow);
        assertThatThrownBy(() -> TestServer.echo(channel, "", "hello"))
                .satisfies(e -> assertUnauthenticated(e, "expected 'authorization: Bearer <token>'"));
    }

    @Test
    void grpcCallWithTokenWorksAndErrorsKeepTheirCode() {
        ManagedChannel channel = channel(TOKEN);
        assertThat(TestServer.echo(channel, "", "hello").getMessage()).isEqualTo("hello");
        for (ErrorCode code : ErrorCode.values()) {
            assertThatThrownBy(() -> TestServer.echo(channel, code.name(), "it broke: " + code))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(StatusMapping.grpcCode(code));
                        NumbatException rebuilt = StatusMapping.toException(e);
                        assertThat(rebuilt.code()).isEqualTo(code);
                        assertThat(rebuilt.getMessage()).isEqualTo("it broke: " + code);
                    });
        }
    }

    // ---- Arrow Flight on the same server ------------------------------------------------------------

    @Test
    void flightWithoutTokenIsRefused() {
        FlightClient client = flight(null);
        assertThatThrownBy(client::handshake)
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
        assertThatThrownBy(() -> client.listFlights(Criteria.ALL).forEach(f -> { }))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
                    assertThat(e.getMessage()).contains("missing credentials");
                });
        assertThatThrownBy(() -> readNumbers(client))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
    }

    @Test
    void flightWithWrongTokenIsRefused() {
        FlightClient client = flight(WRONG);
        assertThatThrownBy(client::handshake)
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
        assertThatThrownBy(() -> readNumbers(client))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
    }

    @Test
    void flightWithTokenWorksAndErrorsKeepTheirCode() throws Exception {
        FlightClient client = flight(TOKEN);
        client.handshake();
        List<FlightInfo> flights = new ArrayList<>();
        client.listFlights(Criteria.ALL).forEach(flights::add);
        assertThat(flights).hasSize(1);
        assertThat(flights.get(0).getSchemaOptional()).contains(TestSqlProducer.NUMBERS);
        assertThat(readNumbers(client)).containsExactly(1, 2, 3);

        for (ErrorCode code : ErrorCode.values()) {
            assertThatThrownBy(() -> {
                try (FlightStream stream = client.getStream(new Ticket(("fail:" + code).getBytes()))) {
                    stream.next();
                }
            }).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                assertThat(e.status().code()).isEqualTo(StatusMapping.flightCode(code));
                NumbatException rebuilt = StatusMapping.toException(e);
                assertThat(rebuilt.code()).isEqualTo(code);
                assertThat(rebuilt.getMessage()).isEqualTo("failed on purpose: fail:" + code);
            });
        }
    }

    static List<Integer> readNumbers(FlightClient client) throws Exception {
        List<Integer> values = new ArrayList<>();
        try (FlightStream stream = client.getStream(new Ticket(TestSqlProducer.NUMBERS_TICKET.getBytes()))) {
            while (stream.next()) {
                IntVector vector = (IntVector) stream.getRoot().getVector(0);
                for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
                    values.add(vector.get(i));
                }
            }
        }
        return values;
    }

    // ---- Flight SQL through the stock JDBC driver ---------------------------------------------------

    private String jdbcUrl(String token) {
        return "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false"
                + (token == null ? "" : "&token=" + token);
    }

    static List<String> catalogs(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getCatalogs()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void jdbcWithTokenWorks() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(TOKEN.value()))) {
            assertThat(catalogs(connection)).containsExactly("numbat");
        }
    }

    @Test
    void jdbcWithoutTokenIsRefused() {
        // Without a token the driver skips the handshake, so the refusal comes at the first call (which the
        // driver reports as its shaded FlightRuntimeException rather than an SQLException).
        assertThatThrownBy(() -> {
            try (Connection connection = DriverManager.getConnection(jdbcUrl(null))) {
                catalogs(connection);
            }
        }).hasStackTraceContaining("UNAUTHENTICATED").hasStackTraceContaining("missing credentials");
    }

    @Test
    void jdbcWithWrongTokenIsRefusedAtHandshake() {
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl(WRONG.value())).close())
                .isInstanceOf(SQLException.class)
                .hasStackTraceContaining("UNAUTHENTICATED")
                .hasStackTraceContaining("invalid bearer token");
    }
}
