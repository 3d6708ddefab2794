package dev.numbat.bench.tpch.queries;

import static dev.numbat.client.Functions.*;

import dev.numbat.client.Column;
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
            case 12:
                return q12(t);
            case 13:
                return q13(t);
            case 14:
                return q14(t);
            case 15:
                return q15(t);
            case 16:
                return q16(t);
            case 17:
                return q17(t);
            case 18:
                return q18(t);
            case 19:
                return q19(t);
            case 20:
                return q20(t);
            case 21:
                return q21(t);
            case 22:
                return q22(t);
            default:
                throw NumbatException.userError("TPC-H query %d is not written in the DataFrame API yet", n);
        }
    }

    private static Column discounted() {
        return col("l_extendedprice").times(lit(1).minus(col("l_discount")));
    }

    /** Shipping modes and order priority. */
    static DataStream q12(Function<String, DataStream> t) {
        DataStream lineitem = t.apply("lineitem")
                .filter(col("l_shipmode").isin("MAIL", "SHIP")
                        .and(col("l_commitdate").lt(col("l_receiptdate")))
                        .and(col("l_shipdate").lt(col("l_commitdate")))
                        .and(col("l_receiptdate").ge(date("1994-01-01")))
                        .and(col("l_receiptdate").lt(date("1994-01-01").plusYears(1))));
        Column high = col("o_orderpriority").eq("1-URGENT").or(col("o_orderpriority").eq("2-HIGH"));
        Column low = col("o_orderpriority").ne("1-URGENT").and(col("o_orderpriority").ne("2-HIGH"));
        return t.apply("orders")
                .join(lineitem, List.of("o_orderkey"), List.of("l_orderkey"), "inner")
                .groupBy("l_shipmode")
                .agg(sum(when(high, 1).otherwise(0)).as("high_line_count"),
                        sum(when(low, 1).otherwise(0)).as("low_line_count"))
                .sort("l_shipmode");
    }

    /** Customer distribution: a left outer join with the condition on orders applied to orders first. */
    static DataStream q13(Function<String, DataStream> t) {
        DataStream orders = t.apply("orders").filter(col("o_comment").notLike("%special%requests%"));
        return t.apply("customer")
                .join(orders, List.of("c_custkey"), List.of("o_custkey"), "left")
                .groupBy("c_custkey")
                .agg(count("o_orderkey").as("c_count"))
                .groupBy("c_count")
                .agg(count().as("custdist"))
                .sort(col("custdist").desc(), col("c_count").desc());
    }

    /** Promotion effect. */
    static DataStream q14(Function<String, DataStream> t) {
        DataStream lineitem = t.apply("lineitem")
                .filter(col("l_shipdate").ge(date("1995-09-01"))
                        .and(col("l_shipdate").lt(date("1995-09-01").plusMonths(1))));
        return lineitem
                .join(t.apply("part"), List.of("l_partkey"), List.of("p_partkey"), "inner")
                .agg(sum(when(col("p_type").like("PROMO%"), discounted()).otherwise(0)).as("promo"),
                        sum(discounted()).as("total"))
                .select(lit(new BigDecimal("100.00")).times(col("promo")).divide(col("total")).as("promo_revenue"));
    }

    /** Top supplier: the view revenue0, joined with its own maximum. */
    static DataStream q15(Function<String, DataStream> t) {
        DataStream revenue = t.apply("lineitem")
                .filter(col("l_shipdate").ge(date("1996-01-01"))
                        .and(col("l_shipdate").lt(date("1996-01-01").plusMonths(3))))
                .groupBy(col("l_suppkey").as("supplier_no"))
                .agg(sum(discounted()).as("total_revenue"));
        DataStream top = revenue.agg(max("total_revenue").as("max_revenue"));
        return t.apply("supplier")
                .join(revenue, List.of("s_suppkey"), List.of("supplier_no"), "inner")
                .join(top, col("total_revenue").eq(col("max_revenue")), "inner")
                .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
                .sort("s_suppkey");
    }

    /** Parts/supplier relationship: NOT IN as an anti join (s_suppkey is never NULL). */
    static DataStream q16(Function<String, DataStream> t) {
        DataStream part = t.apply("part")
                .filter(col("p_brand").ne("Brand#45")
                        .and(col("p_type").notLike("MEDIUM POLISHED%"))
                        .and(col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9)));
        DataStream complaints = t.apply("supplier").filter(col("s_comment").like("%Customer%Complaints%"));
        return t.apply("partsupp")
                .join(part, List.of("ps_partkey"), List.of("p_partkey"), "inner")
                .join(complaints, List.of("ps_suppkey"), List.of("s_suppkey"), "anti")
                .groupBy("p_brand", "p_type", "p_size")
                .agg(countDistinct("ps_suppkey").as("supplier_cnt"))
                .sort(col("supplier_cnt").desc(), col("p_brand"), col("p_type"), col("p_size"));
    }

    /** Small-quantity-order revenue: the correlated average as a join to a per-part aggregate. */
    static DataStream q17(Function<String, DataStream> t) {
        DataStream part = t.apply("part")
                .filter(col("p_brand").eq("Brand#23").and(col("p_container").eq("MED BOX")));
        DataStream average = t.apply("lineitem")
                .groupBy(col("l_partkey").as("agg_partkey"))
                .agg(avg("l_quantity").as("avg_quantity"));
        return t.apply("lineitem")
                .join(part, List.of("l_partkey"), List.of("p_partkey"), "inner")
                .join(average, List.of("l_partkey"), List.of("agg_partkey"), "inner")
                .filter(col("l_quantity").lt(lit(new BigDecimal("0.2")).times(col("avg_quantity"))))
                .agg(sum("l_extendedprice").as("total"))
                .select(col("total").divide(lit(new BigDecimal("7.0"))).as("avg_yearly"));
    }

    /** Large volume customer: IN as a semi join to the orders of more than 300 units. */
    static DataStream q18(Function<String, DataStream> t) {
        DataStream large = t.apply("lineitem")
                .groupBy(col("l_orderkey").as("large_orderkey"))
                .agg(sum("l_quantity").as("order_quantity"))
                .filter(col("order_quantity").gt(300));
        return t.apply("orders")
                .join(large, List.of("o_orderkey"), List.of("large_orderkey"), "semi")
                .join(t.apply("customer"), List.of("o_custkey"), List.of("c_custkey"), "inner")
                .join(t.apply("lineitem"), List.of("o_orderkey"), List.of("l_orderkey"), "inner")
                .groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
                .agg(sum("l_quantity").as("sum_quantity"))
                .sort(col("o_totalprice").desc(), col("o_orderdate"))
                .limit(100);
    }

    /** Discounted revenue. */
    static DataStream q19(Function<String, DataStream> t) {
        Column common = col("l_shipmode").isin("AIR", "AIR REG").and(col("l_shipinstruct").eq("DELIVER IN PERSON"));
        Column first = col("p_brand").eq("Brand#12")
                .and(col("p_container").isin("SM CASE", "SM BOX", "SM PACK", "SM PKG"))
                .and(col("l_quantity").ge(1)).and(col("l_quantity").le(1 + 10))
                .and(col("p_size").between(1, 5))
                .and(common);
        Column second = col("p_brand").eq("Brand#23")
                .and(col("p_container").isin("MED BAG", "MED BOX", "MED PKG", "MED PACK"))
                .and(col("l_quantity").ge(10)).and(col("l_quantity").le(10 + 10))
                .and(col("p_size").between(1, 10))
                .and(common);
        Column third = col("p_brand").eq("Brand#34")
                .and(col("p_container").isin("LG CASE", "LG BOX", "LG PACK", "LG PKG"))
                .and(col("l_quantity").ge(20)).and(col("l_quantity").le(20 + 10))
                .and(col("p_size").between(1, 15))
                .and(common);
        return t.apply("lineitem")
                .join(t.apply("part"), List.of("l_partkey"), List.of("p_partkey"), "inner")
                .filter(first.or(second).or(third))
                .agg(sum(discounted()).as("revenue"));
    }

    /** Potential part promotion: nested IN as semi joins, the correlated sum as a join to an aggregate. */
    static DataStream q20(Function<String, DataStream> t) {
        DataStream forest = t.apply("part").filter(col("p_name").like("forest%"));
        DataStream shipped = t.apply("lineitem")
                .filter(col("l_shipdate").ge(date("1994-01-01"))
                        .and(col("l_shipdate").lt(date("1994-01-01").plusYears(1))))
                .groupBy(col("l_partkey").as("agg_partkey"), col("l_suppkey").as("agg_suppkey"))
                .agg(sum("l_quantity").as("shipped_quantity"));
        DataStream candidates = t.apply("partsupp")
                .join(forest, List.of("ps_partkey"), List.of("p_partkey"), "semi")
                .join(shipped, List.of("ps_partkey", "ps_suppkey"), List.of("agg_partkey", "agg_suppkey"), "inner")
                .filter(col("ps_availqty").gt(lit(new BigDecimal("0.5")).times(col("shipped_quantity"))));
        DataStream canada = t.apply("nation").filter(col("n_name").eq("CANADA"));
        return t.apply("supplier")
                .join(candidates, List.of("s_suppkey"), List.of("ps_suppkey"), "semi")
                .join(canada, List.of("s_nationkey"), List.of("n_nationkey"), "inner")
                .select("s_name", "s_address")
                .sort("s_name");
    }

    /** Suppliers who kept orders waiting: EXISTS / NOT EXISTS as semi / anti joins on lineitem copies. */
    static DataStream q21(Function<String, DataStream> t) {
        Column late = col("l_receiptdate").gt(col("l_commitdate"));
        DataStream l2 = t.apply("lineitem")
                .select(col("l_orderkey").as("l2_orderkey"), col("l_suppkey").as("l2_suppkey"));
        DataStream l3 = t.apply("lineitem")
                .filter(late)
                .select(col("l_orderkey").as("l3_orderkey"), col("l_suppkey").as("l3_suppkey"));
        DataStream l1 = t.apply("lineitem")
                .filter(late)
                .join(l2, col("l_orderkey").eq(col("l2_orderkey")).and(col("l_suppkey").ne(col("l2_suppkey"))), "semi")
                .join(l3, col("l_orderkey").eq(col("l3_orderkey")).and(col("l_suppkey").ne(col("l3_suppkey"))), "anti");
        DataStream saudi = t.apply("nation").filter(col("n_name").eq("SAUDI ARABIA"));
        DataStream finished = t.apply("orders").filter(col("o_orderstatus").eq("F"));
        return t.apply("supplier")
                .join(saudi, List.of("s_nationkey"), List.of("n_nationkey"), "inner")
                .join(l1, List.of("s_suppkey"), List.of("l_suppkey"), "inner")
                .join(finished, List.of("l_orderkey"), List.of("o_orderkey"), "inner")
                .groupBy("s_name")
                .agg(count().as("numwait"))
                .sort(col("numwait").desc(), col("s_name"))
                .limit(100);
    }

    /** Global sales opportunity: the scalar average as a one-row aggregate, NOT EXISTS as an anti join. */
    static DataStream q22(Function<String, DataStream> t) {
        Column code = col("c_phone").substring(1, 2);
        DataStream customers = t.apply("customer").filter(code.isin("13", "31", "23", "29", "30", "18", "17"));
        DataStream average = customers
                .filter(col("c_acctbal").gt(new BigDecimal("0.00")))
                .agg(avg("c_acctbal").as("avg_acctbal"));
        return customers
                .join(average, col("c_acctbal").gt(col("avg_acctbal")), "inner")
                .join(t.apply("orders"), List.of("c_custkey"), List.of("o_custkey"), "anti")
                .select(code.as("cntrycode"), col("c_acctbal"))
                .groupBy("cntrycode")
                .agg(count().as("numcust"), sum("c_acctbal").as("totacctbal"))
                .sort("cntrycode");
    }
}
