package dev.numbat.client;

import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.source.Source;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.files.FilesSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.PlanOptions;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.cluster.EmbeddedCluster;
import dev.numbat.cluster.QueryRunner;
import dev.numbat.cluster.client.RemoteCluster;
import dev.numbat.cluster.security.ClusterSecurity;
import dev.numbat.runtime.RunningQuery;
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
    private final QueryRunner runner;
    private final int defaultChannels;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Catalog catalog = new Catalog();
    private final PlannerContext planner;
    private final dev.numbat.client.sql.SqlSession sql = new dev.numbat.client.sql.SqlSession(this);
    private final java.util.concurrent.atomic.AtomicInteger anonymous = new java.util.concurrent.atomic.AtomicInteger();

    private NumbatContext(java.util.function.Function<BufferAllocator, QueryRunner> runnerFactory) {
        this.allocator = new RootAllocator(Long.MAX_VALUE);
        QueryRunner r;
        try {
            r = runnerFactory.apply(allocator);
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
        this.runner = r;
        int channels;
        try {
            channels = runner.defaultChannels();
        } catch (RuntimeException e) {
            runner.close();
            allocator.close();
            throw e;
        }
        this.defaultChannels = channels;
        // DataFrame programs join in the order they are written, as in Spark and Polars (see PlanOptions).
        this.planner = new PlannerContext(catalog, new PlanOptions(defaultChannels,
                PlanOptions.DEFAULT_BROADCAST_THRESHOLD_ROWS, false));
    }

    private NumbatContext(RuntimeOptions options) {
        this(a -> new EmbeddedCluster(options, a));
    }

    /**
     * A context whose queries run on the cluster of the scheduler at {@code host:port}; the same API as
     * {@link #local()}. Files named in reads must be readable by the executors at the same paths.
     */
    public static NumbatContext remote(String host, int port) {
        return remote(host, port, ClusterSecurity.NONE);
    }

    /** {@link #remote(String, int)} with a bearer token and/or TLS. */
    public static NumbatContext remote(String host, int port, ClusterSecurity security) {
        return new NumbatContext(a -> new RemoteCluster(host, port, security, a));
    }

    /** A context over any runner, such as a scheduler's in-process one (for its Flight SQL endpoint). */
    public static NumbatContext over(QueryRunner runner) {
        return new NumbatContext(a -> runner);
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
        return defaultChannels;
    }

    /** Where this context's queries run. */
    public QueryRunner runner() {
        return runner;
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
        String name = "scan_" + anonymous.incrementAndGet();
        catalog.register(name, source);
        return table(name);
    }

    DataStream read(Source source, int channels) {
        String name = "scan_" + anonymous.incrementAndGet();
        catalog.registerWithChannels(name, source, channels);
        return table(name);
    }

    /** Registers {@code source} as table {@code name} (for {@link #table} and SQL). */
    public void register(String name, Source source) {
        catalog.register(name, source);
    }

    /** Registers the Parquet files at {@code path} as table {@code name}. */
    public void registerParquet(String name, String path) {
        register(name, new ParquetSource(path));
    }

    /** Registers the CSV files at {@code path} (header, inferred schema) as table {@code name}. */
    public void registerCsv(String name, String path) {
        register(name, new CsvSource(path, CsvOptions.defaults()));
    }

    /** The registered table {@code name}. */
    public DataStream table(String name) {
        catalog.table(name);
        return new DataStream(this, planner.relBuilder().scan(name).build());
    }

    /**
     * Runs one SQL statement: a query (SELECT, WITH, VALUES, EXPLAIN) returns a stream of its rows (lazy, so
     * SQL and DataFrame steps compose); DDL (CREATE EXTERNAL TABLE, CREATE VIEW, CREATE TABLE AS, DROP, SHOW
     * TABLES, DESCRIBE) runs at once and returns its result rows.
     */
    public DataStream sql(String statement) {
        return sql.execute(statement);
    }

    /** Runs statements separated by {@code ;} in order and returns each one's result. */
    public List<DataStream> sqlScript(String script) {
        return sql.executeScript(script);
    }

    /** Calcite's planner over this context's catalog (for the SQL front end and tools). */
    public PlannerContext planner() {
        return planner;
    }

    /** The tables and views known by name. */
    public Catalog catalog() {
        return catalog;
    }

    RunningQuery submit(TaskGraph graph) {
        return submit(graph, "DataStream");
    }

    RunningQuery submit(TaskGraph graph, String description) {
        return runner.submit(graph, description, allocator);
    }

    /** Stops the runtime and releases memory; fails if results handed out are still open. */
    @Override
    public void close() {
        runner.close();
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
