package dev.numbat.cluster.security;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A throw-away self-signed certificate for localhost and 127.0.0.1, made by the openssl command line. */
record SelfSignedCertificate(Path cert, Path key) {
    static SelfSignedCertificate create(Path dir, String name) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Process process;
        try {
            process = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key.toString(), "-out", cert.toString()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            if (System.getenv("CI") != null) {
                fail("openssl is needed to make a test certificate: " + e);
            }
            Assumptions.abort("no openssl to make a test certificate: " + e);
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("openssl req failed: " + output);
        }
        return new SelfSignedCertificate(cert, key);
    }
}
