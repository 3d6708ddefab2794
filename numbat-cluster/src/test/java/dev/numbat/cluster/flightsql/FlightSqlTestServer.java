package dev.numbat.cluster.flightsql;

import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.PlanOptions;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Parquet files written by DuckDB, a {@link PlannerSqlBackend} over them on a {@link LocalRuntime}, a
 * {@link NumbatFlightSqlProducer} and a Flight server on 127.0.0.1 (port chosen at run time). Closing checks
 * that no Arrow memory leaked (the root allocator throws).
 */
final class FlightSqlTestServer implements AutoCloseable {
    static final String[] TABLES = {
        "items", """
            SELECT i::INTEGER AS id,
                   (i * 7 % 100)::BIGINT AS qty,
                   CAST((i * 37 % 10000) / 100.0 AS DECIMAL(12, 2)) AS price,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 'item-' || (i % 13) END AS name,
                   DATE '2024-01-01' + (i % 400)::INTEGER AS sold_on,
                   CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 5)::INTEGER END AS grp
            FROM range(5000) t(i)""",
        "labels", """
            SELECT i::INTEGER AS grp, 'group ' || chr((65 + i)::INTEGER) AS label FROM range(5) t(i)""",
        "big", """
            SELECT i AS k, i * 0.5 AS v, 'row ' || i AS s FROM range(400000) t(i)""",
    };

    final BufferAllocator allocator = TestAllocator.create();
    final Connection duckdb;
    final PlannerSqlBackend backend;
    final NumbatFlightSqlProducer producer;
    final Path dir;
    private final LocalRuntime runtime;
    private final FlightServer flightServer;
    private final Server grpcServer;
    private final ExecutorService grpcExecutor;

    FlightSqlTestServer(Path dir, NumbatFlightSqlProducer.Options options) throws Exception {
        this(dir, options, false);
    }

    /**
     * @param plainGrpc host the producer on a plain gRPC server through {@link NumbatFlightSqlProducer#bindable},
     *                  beside an {@link EchoService}, instead of on a {@link FlightServer}
     */
    FlightSqlTestServer(Path dir, NumbatFlightSqlProducer.Options options, boolean plainGrpc) throws Exception {
        this.dir = dir;
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET autoinstall_known_extensions = false");
        }
        Catalog catalog = new Catalog();
        for (int t = 0; t < TABLES.length; t += 2) {
            String name = TABLES[t];
            Path file = dir.resolve(name + ".parquet");
            if (!file.toFile().exists()) {
                try (Statement st = duckdb.createStatement()) {
                    st.execute("COPY (" + TABLES[t + 1] + ") TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1024)");
                }
            }
            try (Statement st = duckdb.createStatement()) {
                st.execute("CREATE VIEW " + name + " AS SELECT * FROM read_parquet('" + file + "')");
            }
            catalog.register(name, new ParquetSource(file.toString()).withRowGroupSplitBytes(0));
        }
        runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), allocator);
        PlanOptions plan = new PlanOptions(2, PlanOptions.DEFAULT_BROADCAST_THRESHOLD_ROWS);
        backend = new PlannerSqlBackend(new PlannerContext(catalog, plan), runtime, allocator);
        producer = new NumbatFlightSqlProducer(backend, allocator, options);
        if (plainGrpc) {
            flightServer = null;
            grpcExecutor = Executors.newCachedThreadPool();
            grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(NumbatFlightSqlProducer.bindable(allocator, producer, grpcExecutor))
                    .addService(new EchoService())
                    .build()
                    .start();
        } else {
            grpcServer = null;
            grpcExecutor = null;
            flightServer = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), producer).build()
                    .start();
        }
    }

    int port() {
        return flightServer != null ? flightServer.getPort() : grpcServer.getPort();
    }

    String url() {
        return "jdbc:arrow-flight-sql://127.0.0.1:" + port() + "/?useEncryption=false";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** The rows DuckDB returns for {@code sql}, normalised. */
    List<List<Object>> duckdb(String sql) throws SQLException {
        try (Statement st = duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    /** Every row of {@code rs}, each value normalised (integers as Long, dates as LocalDate). */
    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= md.getColumnCount(); c++) {
                row.add(normalise(rs.getObject(c)));
            }
            rows.add(row);
        }
        return rows;
    }

    static Object normalise(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        return v;
    }

    /** Orders rows by their values, nulls first, for results whose order SQL leaves open. */
    static final Comparator<List<Object>> ROWS = (x, y) -> {
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            Object a = x.get(i);
            Object b = y.get(i);
            int c;
            if (a == null || b == null) {
                c = a == null ? (b == null ? 0 : -1) : 1;
            } else if (a instanceof Number p && b instanceof Number q) {
                c = new BigDecimal(p.toString()).compareTo(new BigDecimal(q.toString()));
            } else if (a instanceof LocalDate p && b instanceof LocalDate q) {
                c = p.compareTo(q);
            } else {
                c = a.toString().compareTo(b.toString());
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };

    @Override
    public void close() throws Exception {
        try {
            if (flightServer != null) {
                flightServer.shutdown();
                flightServer.awaitTermination(10, TimeUnit.SECONDS);
                flightServer.close();
            } else {
                grpcServer.shutdown();
                if (!grpcServer.awaitTermination(10, TimeUnit.SECONDS)) {
                    grpcServer.shutdownNow();
                }
                grpcExecutor.shutdown();
            }
        } finally {
            producer.close();
            runtime.close();
            duckdb.close();
            allocator.close();
        }
    }
}
