package dev.numbat.cluster.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link StateStore} contract; each implementation's test extends this and says how to open a store. */
@Timeout(60)
abstract class StateStoreContractTest {
    private final List<StateStore> opened = new ArrayList<>();

    /** A new, empty store; each call in one test may return another view of the same backing. */
    protected abstract StateStore openStore();

    protected StateStore store() {
        StateStore store = openStore();
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static String string(Optional<byte[]> value) {
        return value.map(b -> new String(b, UTF_8)).orElse(null);
    }

    @Test
    void putGetOverwrite() {
        StateStore store = store();
        assertThat(store.get("jobs/1")).isEmpty();
        store.put("jobs/1", bytes("running"));
        assertThat(string(store.get("jobs/1"))).isEqualTo("running");
        store.put("jobs/1", bytes("done"));
        assertThat(string(store.get("jobs/1"))).isEqualTo("done");
        store.put("empty", new byte[0]);
        assertThat(store.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
    }

    @Test
    void valuesAreCopiedInAndOut() {
        StateStore store = store();
        byte[] value = bytes("abc");
        store.put("k", value);
        value[0] = 'X';
        byte[] read = store.get("k").orElseThrow();
        assertThat(read).isEqualTo(bytes("abc"));
        read[0] = 'Y';
        assertThat(string(store.get("k"))).isEqualTo("abc");
    }

    @Test
    void binaryValuesAndUnicodeKeys() {
        StateStore store = store();
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        store.put("wombat/🦘/ü", all);
        assertThat(store.get("wombat/🦘/ü")).hasValueSatisfying(v -> assertThat(v).isEqualTo(all));
        assertThat(store.list("wombat/🦘")).containsOnlyKeys("wombat/🦘/ü");
    }

    @Test
    void delete() {
        StateStore store = store();
        store.put("a", bytes("1"));
        assertThat(store.delete("a")).isTrue();
        assertThat(store.get("a")).isEmpty();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.delete("never")).isFalse();
    }

    @Test
    void listByPrefixSorted() {
        StateStore store = store();
        store.put("executors/b", bytes("B"));
        store.put("executors/a", bytes("A"));
        store.put("executors/c", bytes("C"));
        store.put("executorsX", bytes("not under executors/"));
        store.put("jobs/1", bytes("J"));
        store.delete("executors/c");

        SortedMap<String, byte[]> executors = store.list("executors/");
        assertThat(executors.keySet()).containsExactly("executors/a", "executors/b");
        assertThat(executors.get("executors/a")).isEqualTo(bytes("A"));
        assertThat(store.list("").keySet()).containsExactly("executors/a", "executors/b", "executorsX", "jobs/1");
        assertThat(store.list("nothing/")).isEmpty();

        executors.clear();
        assertThat(store.list("executors/")).hasSize(2);
    }

    @Test
    void compareAndSet() {
        StateStore store = store();
        assertThat(store.compareAndSet("leader", null, bytes("s1"))).isTrue();
        assertThat(store.compareAndSet("leader", null, bytes("s2"))).as("present, expected absent").isFalse();
        assertThat(store.compareAndSet("leader", bytes("s2"), bytes("s3"))).as("wrong value").isFalse();
        assertThat(string(store.get("leader"))).isEqualTo("s1");
        assertThat(store.compareAndSet("leader", bytes("s1"), bytes("s2"))).isTrue();
        assertThat(string(store.get("leader"))).isEqualTo("s2");

        assertThat(store.compareAndSet("absent", new byte[0], bytes("x"))).as("empty is not absent").isFalse();
        assertThat(store.get("absent")).isEmpty();
        store.put("blank", new byte[0]);
        assertThat(store.compareAndSet("blank", null, bytes("x"))).as("empty is present").isFalse();
        assertThat(store.compareAndSet("blank", new byte[0], bytes("x"))).isTrue();
        assertThat(string(store.get("blank"))).isEqualTo("x");
    }

    @Test
    void compareAndSetIsAtomicAcrossThreadsAndStores() throws Exception {
        StateStore first = store();
        StateStore second = store();
        int threads = 4;
        int increments = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                StateStore store = t % 2 == 0 ? first : second;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            Optional<byte[]> current = store.get("counter");
                            long next = current.map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L) + 1;
                            byte[] nextBytes = ByteBuffer.allocate(8).putLong(next).array();
                            if (store.compareAndSet("counter", current.orElse(null), nextBytes)) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ByteBuffer.wrap(first.get("counter").orElseThrow()).getLong()).isEqualTo(threads * increments);
    }

    @Test
    void badKeysAreRefused() {
        StateStore store = store();
        assertThatThrownBy(() -> store.put("", bytes("x")))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR));
        assertThatThrownBy(() -> store.get("\uD800")).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> store.put(null, bytes("x"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.list(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closedStoreRefusesCalls() {
        StateStore store = store();
        store.put("k", bytes("v"));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.put("k", bytes("v"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.list("")).isInstanceOf(IllegalStateException.class);
    }
}
