package dev.numbat.cluster.state;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link StateStore} in etcd (v3 API, through jetcd), for a scheduler that must survive the loss of its
 * machine: several schedulers can share it and coordinate through {@link #compareAndSet}, which is an etcd
 * transaction. Keys live under an optional namespace so that clusters can share one etcd.
 *
 * <p>Every call waits at most the timeout given at construction; a call that fails or times out throws
 * {@link NumbatException} with IO_ERROR naming the endpoints. The connection is made lazily: an unreachable
 * etcd shows up at the first call, not here.
 */
public final class EtcdStateStore implements StateStore {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Client client;
    private final KV kv;
    private final String description;
    private final long timeoutMillis;
    private volatile boolean closed;

    /**
     * A store on {@code endpoints} (for example {@code http://127.0.0.1:2379}) with keys under
     * {@code namespace} ("" for none).
     */
    public EtcdStateStore(List<URI> endpoints, String namespace, Duration timeout) {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(namespace, "namespace");
        if (endpoints.isEmpty()) {
            throw NumbatException.userError("etcd state store needs at least one endpoint");
        }
        this.timeoutMillis = Objects.requireNonNull(timeout, "timeout").toMillis();
        ClientBuilder builder = Client.builder().endpoints(endpoints).connectTimeout(timeout);
        if (!namespace.isEmpty()) {
            builder.namespace(ByteSequence.from(namespace, StandardCharsets.UTF_8));
        }
        this.client = builder.build();
        this.kv = client.getKVClient();
        this.description = "etcd state store at " + endpoints + (namespace.isEmpty() ? "" : " under " + namespace);
    }

    @Override
    public void put(String key, byte[] value) {
        ByteSequence k = key(key);
        ByteSequence v = ByteSequence.from(value);
        await(kv.put(k, v), "put", key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        GetResponse response = await(kv.get(key(key)), "get", key);
        return response.getKvs().isEmpty() ? Optional.empty() : Optional.of(response.getKvs().get(0).getValue().getBytes());
    }

    @Override
    public boolean delete(String key) {
        return await(kv.delete(key(key)), "delete", key).getDeleted() > 0;
    }

    @Override
    public SortedMap<String, byte[]> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        checkOpen();
        GetResponse response;
        if (prefix.isEmpty()) {
            // etcd has no empty key; the range ["\0", "\0") means "every key" (under the namespace).
            ByteSequence zero = ByteSequence.from(new byte[] {0});
            response = await(kv.get(zero, GetOption.builder().withRange(zero).build()), "list", "");
        } else {
            response = await(kv.get(key(prefix), GetOption.builder().isPrefix(true).build()), "list", prefix);
        }
        TreeMap<String, byte[]> result = new TreeMap<>();
        for (KeyValue entry : response.getKvs()) {
            result.put(entry.getKey().toString(StandardCharsets.UTF_8), entry.getValue().getBytes());
        }
        return result;
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] newValue) {
        ByteSequence k = key(key);
        ByteSequence v = ByteSequence.from(newValue);
        // Version 0 is etcd's "absent"; a value comparison always fails on an absent key, even against "".
        Cmp condition = expected == null
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected)));
        return await(kv.txn().If(condition).Then(Op.put(k, v, PutOption.DEFAULT)).commit(), "compareAndSet", key)
                .isSucceeded();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            client.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private ByteSequence key(String key) {
        byte[] bytes = StateStores.keyBytes(key);
        checkOpen();
        return ByteSequence.from(bytes);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    private <T> T await(CompletableFuture<T> future, String operation, String key) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new NumbatException(ErrorCode.CANCELLED, operation + " '" + key + "' on " + description + " interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new NumbatException(ErrorCode.IO_ERROR,
                    operation + " '" + key + "' on " + description + " timed out after " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new NumbatException(ErrorCode.IO_ERROR,
                    operation + " '" + key + "' on " + description + " failed: " + cause, cause);
        }
    }
}
