package dev.numbat.bench.tpch.queries;

import dev.numbat.client.DataStream;

/** The 22 standard TPC-H texts through {@code ctx.sql} against DuckDB (see {@link TpchOracleTestBase}). */
class TpchSqlOracleTest extends TpchOracleTestBase {
    @Override
    DataStream query(int q) {
        return ctx.sql(TpchQueries.sql(q));
    }
}
