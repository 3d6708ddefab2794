package dev.numbat.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTokenTest {
    @TempDir
    Path dir;

    @Test
    void loadTrimsSurroundingWhiteSpace() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "  s3cret-Token_1\n\n");
        AuthToken token = AuthToken.load(file);
        assertThat(token.value()).isEqualTo("s3cret-Token_1");
        assertThat(token.headerValue()).isEqualTo("Bearer s3cret-Token_1");
    }

    @Test
    void emptyOrBlankFilesAreRefused() throws IOException {
        for (String content : new String[] {"", " \n\t\n"}) {
            Path file = Files.writeString(dir.resolve("token"), content);
            assertThatThrownBy(() -> AuthToken.load(file))
                    .isInstanceOfSatisfying(NumbatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR);
                        assertThat(e.getMessage()).contains("empty").contains(file.toString());
                    });
        }
    }

    @Test
    void missingFileAndBadCharactersAreUserErrors() throws IOException {
        assertThatThrownBy(() -> AuthToken.load(dir.resolve("absent")))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR));
        Path spaced = Files.writeString(dir.resolve("spaced"), "two words");
        assertThatThrownBy(() -> AuthToken.load(spaced))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.getMessage()).contains("printable ASCII"));
        assertThatThrownBy(() -> AuthToken.of("caf\u00e9")).isInstanceOf(NumbatException.class);
    }

    @Test
    void generatedTokenRoundTripsThroughAnOwnerOnlyFile() throws IOException {
        AuthToken token = AuthToken.generate();
        assertThat(token.value()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(AuthToken.generate()).isNotEqualTo(token);
        Path file = dir.resolve("cluster.token");
        token.writeTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AuthToken.load(file)).isEqualTo(token);
    }

    @Test
    void matchesOnlyTheExactToken() {
        AuthToken token = AuthToken.of("abc123");
        assertThat(token.matches("abc123")).isTrue();
        assertThat(token.matches("abc124")).isFalse();
        assertThat(token.matches("abc1234")).isFalse();
        assertThat(token.matches("ABC123")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void toStringHidesTheSecret() {
        assertThat(AuthToken.of("very-secret").toString()).doesNotContain("very-secret");
    }
}
