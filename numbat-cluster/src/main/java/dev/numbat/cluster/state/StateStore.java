package dev.numbat.cluster.state;

import java.util.Optional;
import java.util.SortedMap;

/**
 * Where the scheduler keeps cluster state that must outlive its process: a small key-value map with
 * compare-and-set, backed by a local journal ({@link EmbeddedStateStore}) or etcd ({@link EtcdStateStore}).
 * Open one with {@link StateStores#open}.
 *
 * <p>Contract, the same for every implementation (one contract test runs against all):
 * <ul>
 *   <li>Keys are non-empty strings (stored as UTF-8); values are byte arrays, possibly empty, never null.
 *       Callers own the arrays they pass and get back: the store copies them.
 *   <li>Each call is atomic and, once it returns, visible to every later call through any store open on the
 *       same backing (so two schedulers can coordinate through {@link #compareAndSet} on etcd).
 *   <li>Methods are thread-safe. Failures of the backing (disk, network) throw
 *       {@link dev.numbat.core.NumbatException} with {@code IO_ERROR}; bad arguments throw
 *       {@code USER_ERROR} or {@link NullPointerException}; calls after {@link #close()} throw
 *       {@link IllegalStateException}.
 * </ul>
 */
public interface StateStore extends AutoCloseable {
    /** Sets {@code key} to {@code value}, replacing any previous value. */
    void put(String key, byte[] value);

    /** The value of {@code key}, or empty if it is absent. */
    Optional<byte[]> get(String key);

    /** Removes {@code key}; returns whether it was present. */
    boolean delete(String key);

    /**
     * Every key starting with {@code prefix} (all keys for {@code ""}) and its value, sorted by key in
     * {@link String#compareTo} order. The returned map is the caller's to keep or change.
     */
    SortedMap<String, byte[]> list(String prefix);

    /**
     * Atomically sets {@code key} to {@code newValue} if its current value equals {@code expected}, where a
     * null {@code expected} means "the key is absent". Returns whether the value was set.
     */
    boolean compareAndSet(String key, byte[] expected, byte[] newValue);

    /** Releases the store's resources (files, locks, connections). Idempotent. */
    @Override
    void close();
}
