package dev.numbat.cluster.state;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link StateStore}: an in-process sorted map, plus (unless memory-only) an append-only journal
 * {@value #JOURNAL} in a directory, replayed on open so that a restarted scheduler recovers its state.
 *
 * <p>Journal format: a 4-byte magic, then records {@code [int payloadLength][int crc32(payload)][payload]}
 * with payload {@code [byte op][int keyLength][key UTF-8][value]}. A torn or corrupt record (a crash in the
 * middle of a write) ends the replay: it and anything after it are cut off, with a warning. When the
 * journal grows past twice the live data (and past a minimum size) it is rewritten as a snapshot into a
 * temporary file that atomically replaces it.
 *
 * <p>Durability: each change is written to the file before the call returns, so it survives the process
 * dying; it is forced to disk (fsync) only at compaction and close, so a power failure may lose the last
 * changes. A lock file {@value #LOCK} keeps two processes (or two stores in one process) from sharing a
 * directory.
 */
public final class EmbeddedStateStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStateStore.class);

    static final String JOURNAL = "state.journal";
    static final String LOCK = "state.lock";
    private static final int MAGIC = 0x4E424A31; // "NBJ1"
    private static final byte OP_PUT = 1;
    private static final byte OP_DELETE = 2;
    private static final int RECORD_HEADER = 8;
    private static final long DEFAULT_MIN_COMPACT_BYTES = 4L << 20;

    private final TreeMap<String, byte[]> map = new TreeMap<>();
    private final Path dir;
    private final long minCompactBytes;
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel journal;
    /** Bytes the live entries would take as journal records: the size of a fresh snapshot, less the magic. */
    private long liveBytes;
    private IOException broken;
    private boolean closed;

    /** A store that keeps nothing across restarts. */
    public static EmbeddedStateStore inMemory() {
        return new EmbeddedStateStore(null);
    }

    /** A store journaled in {@code dir} (created if missing), or memory-only when {@code dir} is null. */
    public EmbeddedStateStore(Path dir) {
        this(dir, DEFAULT_MIN_COMPACT_BYTES);
    }

    /** As {@link #EmbeddedStateStore(Path)}, compacting only once the journal exceeds {@code minCompactBytes}. */
    EmbeddedStateStore(Path dir, long minCompactBytes) {
        this.dir = dir;
        this.minCompactBytes = minCompactBytes;
        if (dir != null) {
            try {
                open();
            } catch (IOException e) {
                closeQuietly();
                throw new NumbatException(ErrorCode.IO_ERROR, "cannot open state journal in " + dir + ": " + e, e);
            } catch (RuntimeException e) {
                closeQuietly();
                throw e;
            }
        }
    }

    /** The journal's directory, or null for a memory-only store. */
    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void put(String key, byte[] value) {
        byte[] keyBytes = StateStores.keyBytes(key);
        byte[] copy = value.clone();
        checkOpen();
        append(OP_PUT, keyBytes, copy);
        apply(key, keyBytes.length, copy);
        maybeCompact();
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        StateStores.keyBytes(key);
        checkOpen();
        byte[] value = map.get(key);
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    @Override
    public synchronized boolean delete(String key) {
        byte[] keyBytes = StateStores.keyBytes(key);
        checkOpen();
        if (!map.containsKey(key)) {
            return false;
        }
        append(OP_DELETE, keyBytes, new byte[0]);
        apply(key, keyBytes.length, null);
        maybeCompact();
        return true;
    }

    @Override
    public synchronized SortedMap<String, byte[]> list(String prefix) {
        if (prefix == null) {
            throw new NullPointerException("prefix");
        }
        checkOpen();
        TreeMap<String, byte[]> result = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : map.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            result.put(e.getKey(), e.getValue().clone());
        }
        return result;
    }

    @Override
    public synchronized boolean compareAndSet(String key, byte[] expected, byte[] newValue) {
        byte[] keyBytes = StateStores.keyBytes(key);
        byte[] copy = newValue.clone();
        checkOpen();
        byte[] current = map.get(key);
        boolean matches = expected == null ? current == null : current != null && Arrays.equals(current, expected);
        if (!matches) {
            return false;
        }
        append(OP_PUT, keyBytes, copy);
        apply(key, keyBytes.length, copy);
        maybeCompact();
        return true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (journal != null && broken == null) {
            try {
                journal.force(false);
            } catch (IOException e) {
                LOG.warn("cannot sync state journal in {}", dir, e);
            }
        }
        closeQuietly();
    }

    @Override
    public String toString() {
        return dir == null ? "embedded state store (memory only)" : "embedded state store in " + dir;
    }

    // ---- journal --------------------------------------------------------------------------------------

    private void open() throws IOException {
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw NumbatException.userError("state directory %s is in use by another scheduler", dir);
        }
        Path file = dir.resolve(JOURNAL);
        if (Files.exists(file)) {
            replay(file);
        }
        journal = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (journal.size() == 0) {
            journal.write(ByteBuffer.allocate(4).putInt(0, MAGIC));
        }
        journal.position(journal.size());
        maybeCompact();
    }

    /** Loads the journal into the map, cutting off a torn or corrupt tail. */
    private void replay(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() == 0) {
            return;
        }
        if (buf.remaining() < 4 || buf.getInt() != MAGIC) {
            throw NumbatException.userError("%s is not a Numbat state journal (bad magic number)", file);
        }
        int records = 0;
        long goodEnd = buf.position();
        String problem = null;
        CRC32 crc = new CRC32();
        while (buf.hasRemaining()) {
            if (buf.remaining() < RECORD_HEADER) {
                problem = "a torn record header";
                break;
            }
            int length = buf.getInt();
            int checksum = buf.getInt();
            if (length < 5 || length > buf.remaining()) {
                problem = "a torn or corrupt record";
                break;
            }
            crc.reset();
            crc.update(buf.array(), buf.position(), length);
            if ((int) crc.getValue() != checksum) {
                problem = "a record with a bad checksum";
                break;
            }
            ByteBuffer payload = buf.slice(buf.position(), length);
            buf.position(buf.position() + length);
            byte op = payload.get();
            int keyLength = payload.getInt();
            if (keyLength <= 0 || keyLength > payload.remaining() || (op != OP_PUT && op != OP_DELETE)) {
                problem = "a malformed record";
                break;
            }
            byte[] keyBytes = new byte[keyLength];
            payload.get(keyBytes);
            byte[] value = new byte[payload.remaining()];
            payload.get(value);
            apply(new String(keyBytes, StandardCharsets.UTF_8), keyLength, op == OP_PUT ? value : null);
            records++;
            goodEnd = buf.position();
        }
        if (problem != null) {
            LOG.warn("state journal {}: {} at byte {}; dropping the {} bytes from there (replayed {} records)",
                    file, problem, goodEnd, buf.limit() - goodEnd, records);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(goodEnd);
            }
        }
        LOG.debug("state journal {}: replayed {} records, {} keys", file, records, map.size());
    }

    private void append(byte op, byte[] keyBytes, byte[] value) {
        if (dir == null) {
            return;
        }
        ByteBuffer record = record(op, keyBytes, value);
        long before = -1;
        try {
            before = journal.position();
            while (record.hasRemaining()) {
                journal.write(record);
            }
        } catch (IOException e) {
            // Cut off a half-written record so that later appends are not hidden behind it at replay.
            try {
                if (before >= 0) {
                    journal.truncate(before);
                    journal.position(before);
                }
            } catch (IOException again) {
                e.addSuppressed(again);
                broken = e;
            }
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot write state journal in " + dir + ": " + e, e);
        }
    }

    private static ByteBuffer record(byte op, byte[] keyBytes, byte[] value) {
        int length = 1 + 4 + keyBytes.length + value.length;
        ByteBuffer buf = ByteBuffer.allocate(RECORD_HEADER + length);
        buf.putInt(length).putInt(0).put(op).putInt(keyBytes.length).put(keyBytes).put(value);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), RECORD_HEADER, length);
        buf.putInt(4, (int) crc.getValue());
        return buf.flip();
    }

    private static long recordSize(int keyLength, byte[] value) {
        return RECORD_HEADER + 1 + 4 + keyLength + value.length;
    }

    /** Applies a change to the map (null value: delete), keeping {@link #liveBytes} current. */
    private void apply(String key, int keyLength, byte[] value) {
        byte[] previous = value == null ? map.remove(key) : map.put(key, value);
        if (previous != null) {
            liveBytes -= recordSize(keyLength, previous);
        }
        if (value != null) {
            liveBytes += recordSize(keyLength, value);
        }
    }

    private void maybeCompact() {
        if (journal == null || broken != null) {
            return;
        }
        try {
            long size = journal.size();
            if (size > minCompactBytes && size > 2 * (liveBytes + 4)) {
                compact(size);
            }
        } catch (IOException e) {
            // Unless the swap itself broke the store, the old journal is still whole and current: keep going
            // and try again after the next change.
            LOG.warn("cannot compact state journal in {}", dir, e);
        }
    }

    /** Writes the live entries as a fresh journal and swaps it in atomically. */
    private void compact(long oldSize) throws IOException {
        Path file = dir.resolve(JOURNAL);
        Path tmp = dir.resolve(JOURNAL + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer magic = ByteBuffer.allocate(4).putInt(0, MAGIC);
            while (magic.hasRemaining()) {
                out.write(magic);
            }
            for (Map.Entry<String, byte[]> e : map.entrySet()) {
                ByteBuffer record = record(OP_PUT, e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
        // The old channel still points at the replaced file: appends must go to the new one from now on.
        try {
            journal.close();
        } catch (IOException e) {
            LOG.debug("cannot close the replaced state journal in {}", dir, e);
        }
        try {
            journal = FileChannel.open(file, StandardOpenOption.WRITE);
            journal.position(journal.size());
        } catch (IOException e) {
            journal = null;
            broken = e;
            throw e;
        }
        LOG.debug("compacted state journal in {}: {} -> {} bytes", dir, oldSize, journal.size());
    }

    /** Makes the rename durable; not every platform can open a directory, which is fine to skip. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.trace("cannot sync directory {}", dir, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (broken != null) {
            throw new NumbatException(ErrorCode.IO_ERROR, "state journal in " + dir + " failed earlier: " + broken, broken);
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {journal, lock, lockChannel}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cannot close {} in {}", c, dir, e);
                }
            }
        }
        journal = null;
        lock = null;
        lockChannel = null;
    }
}
