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
            case 2:
                return q2(t);
            case 3:
                return q3(t);
            case 4:
                return q4(t);
            case 5:
                return q5(t);
            case 6:
                return q6(t);
            case 7:
                return q7(t);
            case 8:
                return q8(t);
            case 9:
                return q9(t);
            case 10:
                return q10(t);
            case 11:
                return q11(t);
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

    /** Minimum cost supplier: the correlated minimum is a join to the minimum per part. */
    static DataStream q2(Function<String, DataStream> t) {
        DataStream europe = t.apply("nation")
                .join(t.apply("region").filter(col("r_name").eq("EUROPE")),
                        col("n_regionkey").eq(col("r_regionkey")), "inner");
        DataStream europeSupply = t.apply("partsupp")
                .join(t.apply("supplier"), col("ps_suppkey").eq(col("s_suppkey")), "inner")
                .join(europe, col("s_nationkey").eq(col("n_nationkey")), "inner");
        DataStream minCost = europeSupply
                .groupBy("ps_partkey")
                .agg(min("ps_supplycost").as("min_supplycost"))
                .rename("ps_partkey", "min_partkey");
        return t.apply("part")
                .filter(col("p_size").eq(15).and(col("p_type").like("%BRASS")))
                .join(europeSupply, col("p_partkey").eq(col("ps_partkey")), "inner")
                .join(minCost, col("ps_partkey").eq(col("min_partkey"))
                        .and(col("ps_supplycost").eq(col("min_supplycost"))), "inner")
                .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
                .sort(col("s_acctbal").desc(), col("n_name"), col("s_name"), col("p_partkey"))
                .limit(100);
    }

    /** Shipping priority. */
    static DataStream q3(Function<String, DataStream> t) {
        return t.apply("customer")
                .filter(col("c_mktsegment").eq("BUILDING"))
                .join(t.apply("orders").filter(col("o_orderdate").lt(date("1995-03-15"))),
                        col("c_custkey").eq(col("o_custkey")), "inner")
                .join(t.apply("lineitem").filter(col("l_shipdate").gt(date("1995-03-15"))),
                        col("o_orderkey").eq(col("l_orderkey")), "inner")
                .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
                .agg(sum(col("l_extendedprice").times(lit(1).minus(col("l_discount")))).as("revenue"))
                .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
                .sort(col("revenue").desc(), col("o_orderdate"))
                .limit(10);
    }

    /** Order priority checking: EXISTS is a semi join. */
    static DataStream q4(Function<String, DataStream> t) {
        return t.apply("orders")
                .filter(col("o_orderdate").ge(date("1993-07-01"))
                        .and(col("o_orderdate").lt(date("1993-07-01").plusMonths(3))))
                .join(t.apply("lineitem").filter(col("l_commitdate").lt(col("l_receiptdate"))),
                        col("o_orderkey").eq(col("l_orderkey")), "semi")
                .groupBy("o_orderpriority")
                .agg(count().as("order_count"))
                .sort("o_orderpriority");
    }

    /** Local supplier volume. */
    static DataStream q5(Function<String, DataStream> t) {
        DataStream asia = t.apply("nation")
                .join(t.apply("region").filter(col("r_name").eq("ASIA")),
                        col("n_regionkey").eq(col("r_regionkey")), "inner");
        return t.apply("customer")
                .join(t.apply("orders").filter(col("o_orderdate").ge(date("1994-01-01"))
                                .and(col("o_orderdate").lt(date("1994-01-01").plusYears(1)))),
                        col("c_custkey").eq(col("o_custkey")), "inner")
                .join(t.apply("lineitem"), col("o_orderkey").eq(col("l_orderkey")), "inner")
                .join(t.apply("supplier"), col("l_suppkey").eq(col("s_suppkey"))
                        .and(col("c_nationkey").eq(col("s_nationkey"))), "inner")
                .join(asia, col("s_nationkey").eq(col("n_nationkey")), "inner")
                .groupBy("n_name")
                .agg(sum(col("l_extendedprice").times(lit(1).minus(col("l_discount")))).as("revenue"))
                .sort(col("revenue").desc());
    }

    /** Volume shipping: nation joined twice, once as the supplier's and once as the customer's. */
    static DataStream q7(Function<String, DataStream> t) {
        DataStream suppNation = t.apply("nation")
                .filter(col("n_name").isin("FRANCE", "GERMANY"))
                .select(col("n_nationkey").as("n1_nationkey"), col("n_name").as("supp_nation"));
        DataStream custNation = t.apply("nation")
                .filter(col("n_name").isin("FRANCE", "GERMANY"))
                .select(col("n_nationkey").as("n2_nationkey"), col("n_name").as("cust_nation"));
        return t.apply("supplier")
                .join(suppNation, col("s_nationkey").eq(col("n1_nationkey")), "inner")
                .join(t.apply("lineitem").filter(col("l_shipdate").between(date("1995-01-01"), date("1996-12-31"))),
                        col("s_suppkey").eq(col("l_suppkey")), "inner")
                .join(t.apply("orders"), col("l_orderkey").eq(col("o_orderkey")), "inner")
                .join(t.apply("customer"), col("o_custkey").eq(col("c_custkey")), "inner")
                .join(custNation, col("c_nationkey").eq(col("n2_nationkey")), "inner")
                .filter(col("supp_nation").eq("FRANCE").and(col("cust_nation").eq("GERMANY"))
                        .or(col("supp_nation").eq("GERMANY").and(col("cust_nation").eq("FRANCE"))))
                .select(col("supp_nation"), col("cust_nation"), col("l_shipdate").year().as("l_year"),
                        col("l_extendedprice").times(lit(1).minus(col("l_discount"))).as("volume"))
                .groupBy("supp_nation", "cust_nation", "l_year")
                .agg(sum("volume").as("revenue"))
                .sort("supp_nation", "cust_nation", "l_year");
    }

    /** National market share: nation joined twice (customer's region, supplier's name). */
    static DataStream q8(Function<String, DataStream> t) {
        DataStream america = t.apply("nation")
                .join(t.apply("region").filter(col("r_name").eq("AMERICA")),
                        col("n_regionkey").eq(col("r_regionkey")), "inner")
                .select(col("n_nationkey").as("n1_nationkey"));
        DataStream suppNation = t.apply("nation")
                .select(col("n_nationkey").as("n2_nationkey"), col("n_name").as("nation"));
        return t.apply("part")
                .filter(col("p_type").eq("ECONOMY ANODIZED STEEL"))
                .join(t.apply("lineitem"), col("p_partkey").eq(col("l_partkey")), "inner")
                .join(t.apply("supplier"), col("l_suppkey").eq(col("s_suppkey")), "inner")
                .join(t.apply("orders").filter(col("o_orderdate").between(date("1995-01-01"), date("1996-12-31"))),
                        col("l_orderkey").eq(col("o_orderkey")), "inner")
                .join(t.apply("customer"), col("o_custkey").eq(col("c_custkey")), "inner")
                .join(america, col("c_nationkey").eq(col("n1_nationkey")), "inner")
                .join(suppNation, col("s_nationkey").eq(col("n2_nationkey")), "inner")
                .select(col("o_orderdate").year().as("o_year"),
                        col("l_extendedprice").times(lit(1).minus(col("l_discount"))).as("volume"),
                        col("nation"))
                .groupBy("o_year")
                .agg(sum(when(col("nation").eq("BRAZIL"), col("volume")).otherwise(0)).as("brazil_volume"),
                        sum("volume").as("total_volume"))
                .select(col("o_year"), col("brazil_volume").divide(col("total_volume")).as("mkt_share"))
                .sort("o_year");
    }

    /** Product type profit measure. */
    static DataStream q9(Function<String, DataStream> t) {
        return t.apply("part")
                .filter(col("p_name").like("%green%"))
                .join(t.apply("lineitem"), col("p_partkey").eq(col("l_partkey")), "inner")
                .join(t.apply("partsupp"), col("l_suppkey").eq(col("ps_suppkey"))
                        .and(col("l_partkey").eq(col("ps_partkey"))), "inner")
                .join(t.apply("supplier"), col("l_suppkey").eq(col("s_suppkey")), "inner")
                .join(t.apply("orders"), col("l_orderkey").eq(col("o_orderkey")), "inner")
                .join(t.apply("nation"), col("s_nationkey").eq(col("n_nationkey")), "inner")
                .select(col("n_name").as("nation"), col("o_orderdate").year().as("o_year"),
                        col("l_extendedprice").times(lit(1).minus(col("l_discount")))
                                .minus(col("ps_supplycost").times(col("l_quantity"))).as("amount"))
                .groupBy("nation", "o_year")
                .agg(sum("amount").as("sum_profit"))
                .sort(col("nation"), col("o_year").desc());
    }

    /** Returned item reporting. */
    static DataStream q10(Function<String, DataStream> t) {
        return t.apply("customer")
                .join(t.apply("orders").filter(col("o_orderdate").ge(date("1993-10-01"))
                                .and(col("o_orderdate").lt(date("1993-10-01").plusMonths(3)))),
                        col("c_custkey").eq(col("o_custkey")), "inner")
                .join(t.apply("lineitem").filter(col("l_returnflag").eq("R")),
                        col("o_orderkey").eq(col("l_orderkey")), "inner")
                .join(t.apply("nation"), col("c_nationkey").eq(col("n_nationkey")), "inner")
                .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
                .agg(sum(col("l_extendedprice").times(lit(1).minus(col("l_discount")))).as("revenue"))
                .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
                .sort(col("revenue").desc())
                .limit(20);
    }

    /** Important stock identification: the scalar sub-query is a global aggregate joined to every group. */
    static DataStream q11(Function<String, DataStream> t) {
        DataStream germanStock = t.apply("partsupp")
                .join(t.apply("supplier"), col("ps_suppkey").eq(col("s_suppkey")), "inner")
                .join(t.apply("nation").filter(col("n_name").eq("GERMANY")),
                        col("s_nationkey").eq(col("n_nationkey")), "inner")
                .withColumn("stock_value", col("ps_supplycost").times(col("ps_availqty")));
        DataStream threshold = germanStock
                .agg(sum("stock_value").as("total_value"))
                .select(col("total_value").times(new BigDecimal("0.0001")).as("threshold"));
        return germanStock
                .groupBy("ps_partkey")
                .agg(sum("stock_value").as("value"))
                .join(threshold, lit(true), "inner")
                .filter(col("value").gt(col("threshold")))
                .select("ps_partkey", "value")
                .sort(col("value").desc());
    }
}
