package dev.numbat.client;

import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.source.Source;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.files.FilesSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The entry point: reads data sets into {@link DataStream}s and runs them. {@link #local()} runs everything
 * in this JVM. Close the context when done; closing reports buffers that results still hold.
 *
 * <pre>{@code
 * try (NumbatContext ctx = NumbatContext.local()) {
 *     ctx.readParquet("data/lineitem").transform(MyOperator::new, Partitioners.hash("l_orderkey"), 4).show();
 * }
 * }</pre>
 */
public final class NumbatContext implements AutoCloseable {
    private final BufferAllocator allocator;
    private final LocalRuntime runtime;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private NumbatContext(RuntimeOptions options) {
        this.allocator = new RootAllocator(Long.MAX_VALUE);
        this.runtime = new LocalRuntime(options, allocator);
    }

    /** A context running in this JVM with one worker thread per core. */
    public static NumbatContext local() {
        return new NumbatContext(RuntimeOptions.defaults());
    }

    /** A context running in this JVM on {@code threads} worker threads. */
    public static NumbatContext local(int threads) {
        return new NumbatContext(RuntimeOptions.defaults().withThreads(threads));
    }

    /** A context with explicit runtime options (threads, per-channel credit). */
    public static NumbatContext local(RuntimeOptions options) {
        return new NumbatContext(options);
    }

    /** The default channel count of a step: the number of worker threads. */
    public int defaultChannels() {
        return runtime.options().threads();
    }

    /** The allocator results are returned in. */
    public BufferAllocator allocator() {
        return allocator;
    }

    /** CSV files (a file, directory or glob) with a header and an inferred schema. */
    public DataStream readCsv(String path) {
        return readCsv(path, CsvOptions.defaults());
    }

    public DataStream readCsv(String path, CsvOptions options) {
        return read(new CsvSource(path, options));
    }

    /** Parquet files (a file, directory or glob). */
    public DataStream readParquet(String path) {
        return read(new ParquetSource(path));
    }

    /** Parquet files, reading only {@code columns}. */
    public DataStream readParquet(String path, List<String> columns) {
        return read(new ParquetSource(path).withColumns(columns));
    }

    /** Arrow IPC files (a file, directory or glob). */
    public DataStream readArrow(String path) {
        return read(new ArrowIpcSource(path));
    }

    /** Arbitrary files as rows of (path, size, content) — for images, documents, model inputs. */
    public DataStream readFiles(String path) {
        return read(new FilesSource(path));
    }

    /**
     * Batches already in memory; the context keeps its own reference to their buffers until it is closed,
     * so the caller may close what it passed in.
     */
    public DataStream fromBatches(List<VectorSchemaRoot> batches) {
        if (batches.isEmpty()) {
            throw dev.numbat.core.NumbatException.userError("fromBatches needs at least one batch");
        }
        InMemorySource source = new InMemorySource(batches.get(0).getSchema(), batches, allocator);
        synchronized (owned) {
            owned.add(source);
        }
        return read(source);
    }

    /** Any {@link Source}: the extension point for new formats. */
    public DataStream read(Source source) {
        return new DataStream(this, new PlanNode.Read("scan", source, 0));
    }

    Job submit(TaskGraph graph) {
        return runtime.submit(graph, allocator);
    }

    /** Stops the runtime and releases memory; fails if results handed out are still open. */
    @Override
    public void close() {
        runtime.close();
        synchronized (owned) {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            owned.clear();
        }
        allocator.close();
    }
}
