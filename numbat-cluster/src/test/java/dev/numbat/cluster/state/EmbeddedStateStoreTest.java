package dev.numbat.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStateStoreTest extends StateStoreContractTest {
    @TempDir
    Path dir;

    private EmbeddedStateStore shared;

    /** One journaled store per test: a directory admits one store at a time, so "another view" is the same one. */
    @Override
    protected StateStore openStore() {
        if (shared == null) {
            shared = new EmbeddedStateStore(dir.resolve("state"));
        }
        return shared;
    }

    private Path journal() {
        return dir.resolve("state").resolve(EmbeddedStateStore.JOURNAL);
    }

    @Test
    void reopenedStoreRecoversState() {
        try (StateStore store = new EmbeddedStateStore(dir)) {
            store.put("jobs/1", bytes("running"));
            store.put("jobs/2", bytes("queued"));
            store.put("jobs/1", bytes("done"));
            store.delete("jobs/2");
            assertThat(store.compareAndSet("leader", null, bytes("s1"))).isTrue();
        }
        try (StateStore store = new EmbeddedStateStore(dir)) {
            assertThat(store.list("").keySet()).containsExactly("jobs/1", "leader");
            assertThat(string(store.get("jobs/1"))).isEqualTo("done");
            assertThat(string(store.get("leader"))).isEqualTo("s1");
        }
    }

    @Test
    void journalSurvivesProcessDeathWithoutClose() throws IOException {
        Path copy = dir.resolve("copy");
        try (StateStore store = new EmbeddedStateStore(dir.resolve("live"))) {
            store.put("a", bytes("1"));
            store.put("b", bytes("2"));
            // What a killed process leaves behind: the journal as written, never closed or synced by us.
            Files.createDirectories(copy);
            Files.copy(dir.resolve("live").resolve(EmbeddedStateStore.JOURNAL), copy.resolve(EmbeddedStateStore.JOURNAL));
        }
        try (StateStore store = new EmbeddedStateStore(copy)) {
            assertThat(store.list("").keySet()).containsExactly("a", "b");
        }
    }

    @Test
    void tornTailIsCutOffAndLaterWritesSurvive() throws IOException {
        Path state = dir.resolve("state");
        try (StateStore store = new EmbeddedStateStore(state)) {
            store.put("kept", bytes("yes"));
            store.put("torn", bytes("this record loses its last bytes"));
        }
        long size = Files.size(journal());
        try (FileChannel ch = FileChannel.open(journal(), StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }
        try (StateStore store = new EmbeddedStateStore(state)) {
            assertThat(store.list("").keySet()).containsExactly("kept");
            store.put("after", bytes("crash"));
        }
        try (StateStore store = new EmbeddedStateStore(state)) {
            assertThat(store.list("").keySet()).containsExactly("after", "kept");
        }
    }

    @Test
    void corruptRecordEndsReplay() throws IOException {
        Path state = dir.resolve("state");
        try (StateStore store = new EmbeddedStateStore(state)) {
            store.put("first", bytes("1"));
            store.put("second", bytes("2"));
        }
        byte[] journal = Files.readAllBytes(journal());
        journal[journal.length - 1] ^= 0x55; // the last value byte: the checksum no longer matches
        Files.write(journal(), journal);
        try (StateStore store = new EmbeddedStateStore(state)) {
            assertThat(store.list("").keySet()).containsExactly("first");
        }
    }

    @Test
    void journalIsCompacted() throws IOException {
        Path state = dir.resolve("state");
        try (StateStore store = new EmbeddedStateStore(state, 4096)) {
            for (int i = 0; i < 2000; i++) {
                store.put("progress", bytes("task " + i));
                store.put("tmp/" + (i % 10), bytes("x".repeat(100)));
                store.delete("tmp/" + ((i + 5) % 10));
            }
            // Uncompacted, 6000 changes would take well over 200 kB.
            assertThat(Files.size(journal())).isLessThan(8192);
        }
        assertThat(Files.exists(state.resolve(EmbeddedStateStore.JOURNAL + ".tmp"))).isFalse();
        try (StateStore store = new EmbeddedStateStore(state, 4096)) {
            assertThat(string(store.get("progress"))).isEqualTo("task 1999");
            assertThat(store.list("tmp/").keySet()).containsExactly("tmp/5", "tmp/6", "tmp/7", "tmp/8", "tmp/9");
        }
    }

    @Test
    void directoryAdmitsOneStoreAtATime() {
        Path state = dir.resolve("state");
        try (StateStore store = new EmbeddedStateStore(state)) {
            store.put("k", bytes("v"));
            assertThatThrownBy(() -> new EmbeddedStateStore(state))
                    .isInstanceOfSatisfying(NumbatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR);
                        assertThat(e.getMessage()).contains("in use");
                    });
        }
        try (StateStore store = new EmbeddedStateStore(state)) {
            assertThat(string(store.get("k"))).isEqualTo("v");
        }
    }

    @Test
    void foreignFileIsRefused() throws IOException {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Files.writeString(journal(), "not a journal");
        assertThatThrownBy(() -> new EmbeddedStateStore(state))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.getMessage()).contains("not a Numbat state journal"));
        // The failed open released its lock.
        Files.delete(journal());
        new EmbeddedStateStore(state).close();
    }

    @Test
    void memoryOnlyStoreWritesNothing() throws IOException {
        try (StateStore store = StateStores.open("embedded", null)) {
            store.put("k", bytes("v"));
            assertThat(string(store.get("k"))).isEqualTo("v");
        }
        try (StateStore store = StateStores.open("memory", dir)) {
            store.put("k", bytes("v"));
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void specsAreParsed() {
        try (StateStore store = StateStores.open("embedded", dir)) {
            assertThat(((EmbeddedStateStore) store).directory()).isEqualTo(dir.resolve(StateStores.EMBEDDED_DIR));
        }
        assertThatThrownBy(() -> StateStores.open("redis://x", dir))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.getMessage()).contains("redis://x"));
        assertThatThrownBy(() -> StateStores.open("etcd://nohostport", dir))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.getMessage()).contains("nohostport"));
    }
}
