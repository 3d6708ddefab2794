package dev.numbat.bench.tpch.queries;

import dev.numbat.client.DataStream;

/** The 22 TPC-H queries as DataFrame programs against DuckDB (see {@link TpchOracleTestBase}). */
class TpchDataFrameOracleTest extends TpchOracleTestBase {
    @Override
    DataStream query(int q) {
        return TpchQueries.dataframe(q, ctx::table);
    }
}
