package dev.numbat.bench.engine;

import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.bench.tpch.queries.TpchQueries;
import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Numbat through its client API: embedded ({@link NumbatContext#local(int)}) or, once it exists, a remote
 * cluster. Runs the SQL text or the DataFrame program of each query.
 */
public final class NumbatEngine implements Engine {
    private final String name;
    private final String where;
    private final EngineOptions.Api api;
    private final Supplier<NumbatContext> contexts;
    private final AutoCloseable owned;
    private NumbatContext ctx;

    /**
     * @param name the engine's name in reports
     * @param where what the context runs on, for the description ("embedded, 2 threads")
     * @param contexts opens the context, called once by {@link #prepare}
     */
    public NumbatEngine(String name, String where, EngineOptions.Api api, Supplier<NumbatContext> contexts) {
        this(name, where, api, contexts, null);
    }

    /** @param owned closed after the context (a cluster this engine started), or null */
    public NumbatEngine(String name, String where, EngineOptions.Api api, Supplier<NumbatContext> contexts,
            AutoCloseable owned) {
        this.owned = owned;
        this.name = Objects.requireNonNull(name, "name");
        this.where = Objects.requireNonNull(where, "where");
        this.api = Objects.requireNonNull(api, "api");
        this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    /** Numbat in this JVM on {@code options.threads()} worker threads. */
    public static NumbatEngine embedded(EngineOptions options) {
        return new NumbatEngine("numbat", "embedded, " + options.threads() + " worker threads", options.api(),
                () -> NumbatContext.local(options.threads()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Numbat " + version() + ", " + where + ", " + (api == EngineOptions.Api.SQL ? "SQL text" : "DataFrame API");
    }

    private static String version() {
        String v = NumbatContext.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public void prepare(Path tables) {
        ctx = contexts.get();
        for (String t : TpchTables.NAMES) {
            ctx.registerParquet(t, tables.resolve(t).toString());
        }
    }

    @Override
    public Execution run(int query) {
        long start = System.nanoTime();
        DataStream stream = api == EngineOptions.Api.SQL ? ctx.sql(TpchQueries.sql(query))
                : TpchQueries.dataframe(query, ctx::table);
        List<Row> rows = stream.collectRows();
        double millis = (System.nanoTime() - start) / 1e6;
        return new Execution(millis, Answers.of(rows));
    }

    /** The context queries run in (for profiling and tests); null before {@link #prepare}. */
    public NumbatContext context() {
        return ctx;
    }

    @Override
    public void close() throws Exception {
        try {
            if (ctx != null) {
                ctx.close();
                ctx = null;
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }
}
