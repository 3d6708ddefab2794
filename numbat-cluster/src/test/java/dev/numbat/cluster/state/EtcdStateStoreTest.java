package dev.numbat.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a real etcd; each test works under its own namespace of one shared etcd. */
class EtcdStateStoreTest extends StateStoreContractTest {
    private static final AtomicInteger TESTS = new AtomicInteger();

    @TempDir
    static Path etcdDir;

    private static EtcdProcess etcd;

    private final String namespace = "/numbat-test-" + TESTS.incrementAndGet() + "/";

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start(etcdDir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected StateStore openStore() {
        return new EtcdStateStore(List.of(etcd.endpoint()), namespace, Duration.ofSeconds(10));
    }

    @Test
    void namespacesAreIsolatedAndSpecsOpenThem() {
        StateStore raw = store();
        try (StateStore a = StateStores.open("etcd://127.0.0.1:" + etcd.clientPort() + namespace + "a", null);
                StateStore b = StateStores.open("etcd://127.0.0.1:" + etcd.clientPort() + namespace + "b/", null)) {
            a.put("k", bytes("in a"));
            b.put("k", bytes("in b"));
            assertThat(string(a.get("k"))).isEqualTo("in a");
            assertThat(a.list("").keySet()).containsExactly("k");
            assertThat(raw.list("").keySet()).containsExactly("a/k", "b/k");
        }
        try (StateStore whole = StateStores.open("etcd://127.0.0.1:" + etcd.clientPort(), null)) {
            // No namespace: "" lists every key of the etcd, other tests' included.
            assertThat(whole.list("").keySet()).contains(namespace + "a/k", namespace + "b/k");
            assertThat(string(whole.get(namespace + "b/k"))).isEqualTo("in b");
            assertThat(whole.toString()).contains("127.0.0.1:" + etcd.clientPort());
        }
    }

    @Test
    void unreachableEtcdFailsWithIoErrorInTime() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (StateStore store = new EtcdStateStore(List.of(URI.create("http://127.0.0.1:" + closedPort)), "",
                Duration.ofSeconds(2))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.get("k"))
                    .isInstanceOfSatisfying(NumbatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
                        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }
}
