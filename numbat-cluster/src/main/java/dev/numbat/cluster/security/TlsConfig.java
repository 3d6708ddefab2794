package dev.numbat.cluster.security;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.flight.FlightClient;

/**
 * TLS settings of one cluster node, all PEM files. A node is usually both a server (scheduler, executor
 * Flight endpoint) and a client (of the scheduler and of other executors), so one record serves both sides:
 *
 * <ul>
 *   <li>{@code certChainPem} + {@code privateKeyPem} (PKCS#8, unencrypted): this node's identity as a server;
 *       both or neither.
 *   <li>{@code trustedCertsPem}: the certificates (a CA, or the cluster's self-signed certificate) this node
 *       trusts as a client; null means the JDK's default trust roots.
 * </ul>
 *
 * Servers do not ask clients for certificates: clients prove themselves with the bearer {@link AuthToken}.
 * Files are read when a context is built, so replacing them takes effect for servers and channels built
 * afterwards.
 */
public record TlsConfig(Path certChainPem, Path privateKeyPem, Path trustedCertsPem) {
    public TlsConfig {
        if ((certChainPem == null) != (privateKeyPem == null)) {
            throw NumbatException.userError("TLS needs both a certificate chain and its private key, or neither");
        }
    }

    /** A node that serves TLS with {@code certChainPem} and, as a client, trusts {@code trustedCertsPem}. */
    public static TlsConfig of(Path certChainPem, Path privateKeyPem, Path trustedCertsPem) {
        return new TlsConfig(certChainPem, privateKeyPem, trustedCertsPem);
    }

    /** A client only, trusting {@code trustedCertsPem}, or the JDK's default roots when it is null. */
    public static TlsConfig clientOnly(Path trustedCertsPem) {
        return new TlsConfig(null, null, trustedCertsPem);
    }

    /** Whether this config can serve TLS (it has a certificate and key). */
    public boolean canServe() {
        return certChainPem != null;
    }

    /** The server side context (HTTP/2 ALPN set up for gRPC). */
    public SslContext serverContext() {
        if (!canServe()) {
            throw NumbatException.userError("TLS config has no certificate and key to serve with");
        }
        try {
            return GrpcSslContexts.forServer(readable(certChainPem).toFile(), readable(privateKeyPem).toFile()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new NumbatException(ErrorCode.USER_ERROR,
                    "invalid TLS certificate " + certChainPem + " or key " + privateKeyPem + ": " + e.getMessage(), e);
        }
    }

    /** The client side context, trusting {@link #trustedCertsPem()} (or the JDK's roots when null). */
    public SslContext clientContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            if (trustedCertsPem != null) {
                builder.trustManager(readable(trustedCertsPem).toFile());
            }
            return builder.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new NumbatException(ErrorCode.USER_ERROR,
                    "invalid trusted TLS certificates " + trustedCertsPem + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code builder} serve TLS only. */
    public NettyServerBuilder applyTo(NettyServerBuilder builder) {
        return builder.sslContext(serverContext());
    }

    /** Makes {@code builder} connect with TLS, verifying the server against the trusted certificates. */
    public NettyChannelBuilder applyTo(NettyChannelBuilder builder) {
        return builder.sslContext(clientContext()).useTransportSecurity();
    }

    /** Makes a Flight client use TLS with the trusted certificates; its location should be {@code grpc+tls}. */
    public FlightClient.Builder applyTo(FlightClient.Builder builder) {
        builder.useTls();
        if (trustedCertsPem != null) {
            try {
                // Flight reads the stream only in build(): hand it bytes, not an open file.
                builder.trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(readable(trustedCertsPem))));
            } catch (IOException e) {
                throw new NumbatException(ErrorCode.USER_ERROR,
                        "cannot read trusted TLS certificates " + trustedCertsPem + ": " + e, e);
            }
        }
        return builder;
    }

    private static Path readable(Path file) {
        if (!Files.isReadable(file)) {
            throw NumbatException.userError("TLS file %s does not exist or cannot be read", file);
        }
        return file;
    }
}
