package dev.numbat.bench.tpch.queries;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * TPC-H Parquet files generated once, with DuckDB viewing them under the TPC-H table names; answers are
 * compared by {@link Answers}.
 */
final class TpchOracle implements AutoCloseable {
    private final Path data;
    private final Connection duckdb;

    /** Generates (once, under {@code dir}) TPC-H at {@code scaleFactor} as Parquet and opens DuckDB on it. */
    TpchOracle(Path dir, double scaleFactor) throws SQLException {
        this.data = dir.resolve("tpch-sf" + BigDecimal.valueOf(scaleFactor).stripTrailingZeros().toPlainString());
        if (!TpchDatagen.exists(data)) {
            try (NumbatContext ctx = NumbatContext.local()) {
                TpchDatagen.generate(ctx, scaleFactor, TpchDatagen.Format.PARQUET, data, List.of(), r -> { });
            }
        }
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET threads = 2");
            for (String t : TpchTables.NAMES) {
                st.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s/*.parquet')".formatted(t, data.resolve(t)));
            }
        }
    }

    Path data() {
        return data;
    }

    /** Registers the tables in {@code ctx} under their TPC-H names. */
    void register(NumbatContext ctx) {
        for (String t : TpchTables.NAMES) {
            ctx.registerParquet(t, data.resolve(t).toString());
        }
    }

    List<List<Object>> duckdb(String sql) throws SQLException {
        try (Statement st = duckdb.createStatement()) {
            return Answers.of(st, sql);
        }
    }

    static List<List<Object>> values(List<Row> rows) {
        return Answers.of(rows);
    }

    static String difference(List<List<Object>> expected, List<List<Object>> actual) {
        return Answers.difference(expected, actual);
    }

    @Override
    public void close() throws SQLException {
        duckdb.close();
    }
}
