package dev.numbat.bench.tpch.queries;

import dev.numbat.client.DataStream;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The 22 TPC-H queries as DataFrame programs (validation parameters of the specification), and their
 * standard SQL text (resources {@code tpch/queries/qNN.sql}) for peers and, later, Numbat's SQL front end.
 */
public final class TpchQueries {
    public static final int COUNT = 22;

    private TpchQueries() {
    }

    /** Query {@code n} (1..22) over the tables {@code tables} returns by name (lineitem, orders, ...). */
    public static DataStream dataframe(int n, Function<String, DataStream> tables) {
        if (n < 1 || n > COUNT) {
            throw NumbatException.userError("TPC-H has queries 1 to 22, not %d", n);
        }
        return n <= 11 ? TpchQueries1To11.query(n, tables) : TpchQueries12To22.query(n, tables);
    }

    /** The standard SQL text of query {@code n}, as DuckDB and other engines run it. */
    public static String sql(int n) {
        String name = String.format("/tpch/queries/q%02d.sql", n);
        try (InputStream in = TpchQueries.class.getResourceAsStream(name)) {
            if (in == null) {
                throw NumbatException.userError("no SQL text for TPC-H query %d", n);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw NumbatException.internal("cannot read " + name, e);
        }
    }
}
