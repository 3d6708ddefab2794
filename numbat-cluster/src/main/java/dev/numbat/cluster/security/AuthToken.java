package dev.numbat.cluster.security;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared secret every scheduler, executor and client of one cluster presents as
 * {@code authorization: Bearer <token>}. Immutable; {@link #toString()} never shows the secret.
 *
 * <p>A token is 1 to 4096 printable ASCII characters without spaces, so it fits an HTTP/2 header as is.
 */
public final class AuthToken {
    private static final Logger LOG = LoggerFactory.getLogger(AuthToken.class);
    private static final int MAX_LENGTH = 4096;
    static final String BEARER_PREFIX = "Bearer ";

    private final String value;
    /** SHA-256 of the token: comparing fixed-length digests keeps {@link #matches} constant-time. */
    private final byte[] digest;

    private AuthToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** A token from a string, checked as described in the class comment. */
    public static AuthToken of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw NumbatException.userError("auth token is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw NumbatException.userError("auth token is longer than %d characters", MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~') {
                throw NumbatException.userError(
                        "auth token may hold only printable ASCII without spaces; character %d is not", i + 1);
            }
        }
        return new AuthToken(value);
    }

    /**
     * Reads a token from a file: surrounding white space (a trailing newline) is dropped; an empty file is
     * refused. A file that others may read is accepted with a warning, since anyone who reads it joins the
     * cluster.
     */
    public static AuthToken load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "cannot read auth token file " + file + ": " + e, e);
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw NumbatException.userError("auth token file %s is empty", file);
        }
        warnIfReadableByOthers(file);
        try {
            return of(trimmed);
        } catch (NumbatException e) {
            throw NumbatException.userError("auth token file %s: %s", file, e.getMessage());
        }
    }

    /** A fresh random token (256 bits, URL-safe Base64). */
    public static AuthToken generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new AuthToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Writes this token to {@code file} (created or replaced), readable by its owner only where POSIX allows. */
    public void writeTo(Path file) {
        try {
            Files.writeString(file, value + "\n", StandardCharsets.US_ASCII);
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                posix.setPermissions(PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot write auth token file " + file + ": " + e, e);
        }
    }

    /** The secret itself, for clients that take it as a string (the Flight SQL JDBC URL's {@code token=}). */
    public String value() {
        return value;
    }

    /** The value of the {@code authorization} header: {@code "Bearer " + value()}. */
    public String headerValue() {
        return BEARER_PREFIX + value;
    }

    /** Whether {@code presented} equals this token, in time that does not depend on where they differ. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthToken other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "AuthToken[***]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix == null) {
                return;
            }
            Set<PosixFilePermission> perms = posix.readAttributes().permissions();
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warn("auth token file {} is readable by group or others ({}); chmod 600 it",
                        file, PosixFilePermissions.toString(perms));
            }
        } catch (IOException e) {
            LOG.debug("cannot read permissions of {}", file, e);
        }
    }
}
