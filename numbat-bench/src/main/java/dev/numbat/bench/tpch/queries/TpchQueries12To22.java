package dev.numbat.bench.tpch.queries;

import static dev.numbat.client.Functions.*;

import dev.numbat.client.DataStream;
import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/** TPC-H queries 12 to 22 in the DataFrame API; subqueries are written as joins and aggregates. */
final class TpchQueries12To22 {
    private TpchQueries12To22() {
    }

    static DataStream query(int n, Function<String, DataStream> t) {
        switch (n) {
            // case 1: return q1(t); ...
            default:
                throw NumbatException.userError("TPC-H query %d is not written in the DataFrame API yet", n);
        }
    }
}
