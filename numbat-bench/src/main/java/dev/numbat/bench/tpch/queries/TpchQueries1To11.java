package dev.numbat.bench.tpch.queries;

import static dev.numbat.client.Functions.*;

import dev.numbat.client.DataStream;
import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/** TPC-H queries 1 to 11 in the DataFrame API; subqueries are written as joins and aggregates. */
final class TpchQueries1To11 {
    private TpchQueries1To11() {
    }

    static DataStream query(int n, Function<String, DataStream> t) {
        switch (n) {
            case 1:
                return q1(t);
            case 6:
                return q6(t);
            default:
                throw NumbatException.userError("TPC-H query %d is not written in the DataFrame API yet", n);
        }
    }

    /** Pricing summary report. */
    static DataStream q1(Function<String, DataStream> t) {
        return t.apply("lineitem")
                .filter(col("l_shipdate").le(date("1998-12-01").minusDays(90)))
                .withColumn("disc_price", col("l_extendedprice").times(lit(1).minus(col("l_discount"))))
                .withColumn("charge", col("disc_price").times(lit(1).plus(col("l_tax"))))
                .groupBy("l_returnflag", "l_linestatus")
                .agg(sum("l_quantity").as("sum_qty"),
                        sum("l_extendedprice").as("sum_base_price"),
                        sum("disc_price").as("sum_disc_price"),
                        sum("charge").as("sum_charge"),
                        avg("l_quantity").as("avg_qty"),
                        avg("l_extendedprice").as("avg_price"),
                        avg("l_discount").as("avg_disc"),
                        count().as("count_order"))
                .sort("l_returnflag", "l_linestatus");
    }

    /** Forecasting revenue change. */
    static DataStream q6(Function<String, DataStream> t) {
        return t.apply("lineitem")
                .filter(col("l_shipdate").ge(date("1994-01-01"))
                        .and(col("l_shipdate").lt(date("1994-01-01").plusYears(1)))
                        .and(col("l_discount").between(new BigDecimal("0.05"), new BigDecimal("0.07")))
                        .and(col("l_quantity").lt(24)))
                .agg(sum(col("l_extendedprice").times(col("l_discount"))).as("revenue"));
    }
}
