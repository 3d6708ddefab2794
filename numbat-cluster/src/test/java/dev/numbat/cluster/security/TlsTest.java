package dev.numbat.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A TLS server with a self-signed certificate and a token: TLS clients that trust it get in, others do not. */
@Timeout(120)
class TlsTest {
    private static final AuthToken TOKEN = AuthToken.generate();

    @TempDir
    static Path dir;

    private static SelfSignedCertificate certificate;
    private static ClusterSecurity security;
    private static TestServer server;
    private BufferAllocator allocator;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        certificate = SelfSignedCertificate.create(dir, "node");
        // Every node serves with the cluster certificate and, as a client, trusts exactly it.
        security = new ClusterSecurity(TlsConfig.of(certificate.cert(), certificate.key(), certificate.cert()), TOKEN);
        server = new TestServer(security);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
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

    private ManagedChannel track(ManagedChannel channel) {
        clients.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        });
        return channel;
    }

    @Test
    void grpcOverTlsWorks() {
        ManagedChannel channel = track(security.channelBuilder("127.0.0.1", server.port()).build());
        assertThat(TestServer.echo(channel, "", "over TLS").getMessage()).isEqualTo("over TLS");
        ManagedChannel byName = track(security.channelBuilder("localhost", server.port()).build());
        assertThat(TestServer.echo(byName, "", "by name").getMessage()).isEqualTo("by name");
    }

    @Test
    void plaintextClientFails() {
        ManagedChannel channel = track(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .intercept(new BearerAuthClientInterceptor(TOKEN)).build());
        assertThatThrownBy(() -> TestServer.echo(channel, "", "in clear"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void clientThatDoesNotTrustTheCertificateFails() throws Exception {
        // The JDK's default roots do not include our self-signed certificate.
        ClusterSecurity stranger = new ClusterSecurity(TlsConfig.clientOnly(null), TOKEN);
        ManagedChannel channel = track(stranger.channelBuilder("127.0.0.1", server.port()).build());
        assertThatThrownBy(() -> TestServer.echo(channel, "", "hi"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        SelfSignedCertificate other = SelfSignedCertificate.create(dir, "other");
        ClusterSecurity wrongTrust = new ClusterSecurity(TlsConfig.clientOnly(other.cert()), TOKEN);
        ManagedChannel channel2 = track(wrongTrust.channelBuilder("127.0.0.1", server.port()).build());
        assertThatThrownBy(() -> TestServer.echo(channel2, "", "hi"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void tlsDoesNotReplaceTheToken() {
        ManagedChannel channel = track(new ClusterSecurity(security.tls(), null).channelBuilder("127.0.0.1", server.port()).build());
        assertThatThrownBy(() -> TestServer.echo(channel, "", "hi"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void flightOverTlsWorks() throws Exception {
        Location location = security.location("127.0.0.1", server.port());
        assertThat(location.getUri().getScheme()).isEqualTo("grpc+tls");
        FlightClient client = security.flightClientBuilder(allocator, location).build();
        clients.add(client);
        client.handshake();
        assertThat(BearerAuthTest.readNumbers(client)).containsExactly(1, 2, 3);

        FlightClient plaintext = ClusterSecurity.NONE.flightClientBuilder(allocator,
                Location.forGrpcInsecure("127.0.0.1", server.port())).intercept(new BearerAuthFlightMiddleware.Factory(TOKEN)).build();
        clients.add(plaintext);
        assertThatThrownBy(() -> BearerAuthTest.readNumbers(plaintext)).isInstanceOf(FlightRuntimeException.class);
    }

    @Test
    void jdbcOverTlsWorks() throws Exception {
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=true&tlsRootCerts="
                + certificate.cert() + "&token=" + TOKEN.value();
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(BearerAuthTest.catalogs(connection)).containsExactly("numbat");
        }
    }

    @Test
    void badTlsFilesAreUserErrors() throws Exception {
        assertThatThrownBy(() -> new TlsConfig(certificate.cert(), null, null))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR));
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> TlsConfig.of(missing, certificate.key(), null).serverContext())
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.getMessage()).contains("missing.pem"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> TlsConfig.of(garbage, certificate.key(), null).serverContext())
                .isInstanceOfSatisfying(NumbatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR);
                    assertThat(e.getMessage()).contains("garbage.pem");
                });
        assertThatThrownBy(() -> TlsConfig.clientOnly(null).serverContext()).isInstanceOf(NumbatException.class);
    }
}
