package dev.numbat.cli;

import dev.numbat.cluster.security.AuthToken;
import dev.numbat.cluster.security.ClusterSecurity;
import dev.numbat.cluster.security.TlsConfig;
import dev.numbat.core.NumbatException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Security options every cluster command shares: the bearer token file and TLS files. */
final class ClusterOptions {
    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "File holding the cluster's bearer token; every call must carry it.")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (turns TLS on for a server).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-trust", paramLabel = "PEM",
            description = "Certificates to trust when connecting (a client; default: the JDK's roots).")
    Path tlsTrust;

    ClusterSecurity security() {
        AuthToken token = tokenFile == null ? null : AuthToken.load(tokenFile);
        TlsConfig tls = null;
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw NumbatException.userError("TLS needs both --tls-cert and --tls-key");
            }
            // A cluster's own certificate is what its members trust unless told otherwise (self-signed).
            tls = TlsConfig.of(tlsCert, tlsKey, tlsTrust != null ? tlsTrust : tlsCert);
        } else if (tlsTrust != null) {
            tls = TlsConfig.clientOnly(tlsTrust);
        }
        return new ClusterSecurity(tls, token);
    }

    /** Splits "host:port" (port defaults to 50050). */
    static String[] hostPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return new String[] {address, "50050"};
        }
        String port = address.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()) {
            throw NumbatException.userError("bad address '%s': expected host:port", address);
        }
        return new String[] {address.substring(0, colon), port};
    }
}
