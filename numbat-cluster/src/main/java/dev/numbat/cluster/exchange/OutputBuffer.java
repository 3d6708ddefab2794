package dev.numbat.cluster.exchange;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.runtime.RemoteSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one producer channel sends to one consumer channel in another process, kept until the query is
 * released (the upstream backup that replay after a lost executor reads from). Batches stay in memory while
 * the process's retained bytes are within the {@link ExchangeService}'s budget and are spilled to an Arrow IPC
 * file otherwise, oldest first.
 *
 * <p>Flow control: {@link #offer} refuses a batch while {@code credit} batches are waiting to be sent to the
 * consumer, and wakes the producer once a stream has sent one, so a slow consumer slows its producer down
 * across the network. Streams read it at any position ({@link #poll}), so a consumer may read it again from
 * the start; only the furthest position any stream reached counts as sent.
 *
 * <p>Thread safety: the producer channel's thread offers, pump threads read, the service releases; all under
 * this object's monitor. Callbacks (the producer's wake, readers' wakes) run outside it.
 */
public final class OutputBuffer implements RemoteSink {
    private static final Logger LOG = LoggerFactory.getLogger(OutputBuffer.class);

    private final ExchangeService service;
    private final BufferKey key;
    private final BufferAllocator allocator;
    private final Path spillPath;
    private final int credit;

    // Guarded by this.
    private final List<Entry> entries = new ArrayList<>();
    private final List<Runnable> readers = new ArrayList<>();
    private Schema schema;
    private int sent;
    private int maxUnsent;
    private int firstInMemory;
    private long rows;
    private long bytesInMemory;
    private long bytesSpilled;
    private boolean finished;
    private Throwable failure;
    private boolean released;
    private Runnable producerWake;
    private SpillFile spill;

    /** A retained batch: in memory ({@code batch}) or spilled ({@code block}). */
    private static final class Entry {
        final long sequence;
        final long bytes;
        VectorSchemaRoot batch;
        ArrowBlock block;

        Entry(long sequence, long bytes, VectorSchemaRoot batch) {
            this.sequence = sequence;
            this.bytes = bytes;
            this.batch = batch;
        }
    }

    OutputBuffer(ExchangeService service, BufferKey key, BufferAllocator allocator, Path spillPath, int credit) {
        this.service = service;
        this.key = key;
        this.allocator = allocator;
        this.spillPath = spillPath;
        this.credit = credit;
    }

    public BufferKey key() {
        return key;
    }

    @Override
    public boolean offer(long sequence, VectorSchemaRoot batch, Runnable wake) {
        List<Runnable> wakeReaders;
        synchronized (this) {
            if (released || failure != null) {
                batch.close();
                return true;
            }
            if (finished) {
                batch.close();
                throw new IllegalStateException("batch offered to " + key + " after its producer finished");
            }
            if (entries.size() - sent >= credit) {
                producerWake = wake;
                return false;
            }
            VectorSchemaRoot owned = Batches.transfer(batch, allocator);
            if (schema == null) {
                schema = owned.getSchema();
            }
            long bytes = Batches.sizeBytes(owned);
            entries.add(new Entry(sequence, bytes, owned));
            rows += owned.getRowCount();
            bytesInMemory += bytes;
            maxUnsent = Math.max(maxUnsent, entries.size() - sent);
            service.retained(bytes);
            if (service.overBudget()) {
                spillLocked();
            }
            wakeReaders = takeReaders();
        }
        wakeReaders.forEach(Runnable::run);
        return true;
    }

    /** Spills this buffer's batches, oldest first, until the process is back within budget. */
    private void spillLocked() {
        while (firstInMemory < entries.size() && service.overBudget()) {
            Entry e = entries.get(firstInMemory++);
            if (spill == null) {
                spill = new SpillFile(spillPath, schema);
            }
            e.block = spill.write(e.batch);
            e.batch.close();
            e.batch = null;
            bytesInMemory -= e.bytes;
            bytesSpilled += e.bytes;
            service.retained(-e.bytes);
            service.spilled(e.bytes);
        }
    }

    @Override
    public void finish() {
        List<Runnable> wake;
        synchronized (this) {
            finished = true;
            wake = takeReaders();
        }
        wake.forEach(Runnable::run);
    }

    @Override
    public void abort(Throwable cause) {
        List<Runnable> wake;
        synchronized (this) {
            if (failure == null) {
                failure = cause;
            }
            wake = takeReaders();
            if (producerWake != null) {
                wake.add(producerWake);
                producerWake = null;
            }
        }
        wake.forEach(Runnable::run);
    }

    /** What a stream finds at its position. */
    enum Status { BATCH, WAIT, END, FAILED, RELEASED }

    /**
     * For a stream at position {@code index}: BATCH if a batch is there (see {@link #sequenceAt} and {@link
     * #load}), END if the producer finished and all was read, FAILED if it aborted, RELEASED if the query was
     * released; otherwise WAIT, and {@code wake} runs once when something changes.
     */
    synchronized Status poll(int index, Runnable wake) {
        if (released) {
            return Status.RELEASED;
        }
        if (failure != null) {
            return Status.FAILED;
        }
        if (index < entries.size()) {
            return Status.BATCH;
        }
        if (finished) {
            return Status.END;
        }
        readers.add(wake);
        return Status.WAIT;
    }

    synchronized Throwable failure() {
        return failure;
    }

    /** The schema of the batches, known once the first batch arrived. */
    synchronized Schema schema() {
        return schema;
    }

    synchronized long sequenceAt(int index) {
        return entries.get(index).sequence;
    }

    /**
     * Loads the batch at {@code index} into {@code target} (sharing buffers with the retained batch, or read
     * from the spill file into {@code allocator}). Returns false if the query was released meanwhile.
     */
    synchronized boolean load(int index, VectorSchemaRoot target, BufferAllocator allocator) {
        if (released) {
            return false;
        }
        Entry e = entries.get(index);
        // Under the monitor, so a release cannot close the batch while its buffers are being shared.
        try (ArrowRecordBatch rb = e.batch != null
                ? new VectorUnloader(e.batch).getRecordBatch()
                : spill.read(e.block, allocator)) {
            new VectorLoader(target).load(rb);
        }
        return true;
    }

    /** A stream sent the batches before {@code index}; frees credit for the producer. */
    void sent(int index) {
        Runnable wake = null;
        synchronized (this) {
            if (index <= sent) {
                return;
            }
            sent = index;
            if (producerWake != null && entries.size() - sent < credit) {
                wake = producerWake;
                producerWake = null;
            }
        }
        if (wake != null) {
            wake.run();
        }
    }

    synchronized BufferStats stats() {
        String state = failure != null ? "FAILED" : finished ? "FINISHED" : "OPEN";
        return new BufferStats(key, entries.size(), rows, sent, maxUnsent, bytesInMemory, bytesSpilled, state);
    }

    /** Frees every batch and deletes the spill file; streams and the producer see RELEASED from now on. */
    void release() {
        List<Runnable> wake;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            for (Entry e : entries) {
                if (e.batch != null) {
                    e.batch.close();
                    e.batch = null;
                }
            }
            service.retained(-bytesInMemory);
            service.spilled(-bytesSpilled);
            bytesInMemory = 0;
            bytesSpilled = 0;
            if (spill != null) {
                try {
                    spill.close();
                } catch (NumbatException ex) {
                    LOG.warn("{}: {}", key, ex.getMessage());
                }
                spill = null;
            }
            wake = takeReaders();
            if (producerWake != null) {
                wake.add(producerWake);
                producerWake = null;
            }
        }
        wake.forEach(Runnable::run);
    }

    private List<Runnable> takeReaders() {
        List<Runnable> wake = new ArrayList<>(readers);
        readers.clear();
        return wake;
    }

    /** The failure streams report for a RELEASED buffer. */
    NumbatException releasedError() {
        return new NumbatException(ErrorCode.CANCELLED, key + " was released (the query ended)");
    }

    @Override
    public String toString() {
        return "OutputBuffer[" + key + "]";
    }
}
