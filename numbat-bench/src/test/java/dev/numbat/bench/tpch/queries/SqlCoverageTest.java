package dev.numbat.bench.tpch.queries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ordinary analytic SQL, as a DuckDB user writes it, through Numbat's SQL front end against DuckDB on the same
 * TPC-H files (SF 0.01): TPC-H queries with other substitution parameters, and the everyday constructs
 * (predicates, string/date/numeric functions, aggregates, grouping and ordering by ordinal and alias, set
 * operations, sub-queries, CTEs, outer joins, window functions, VALUES, identifier case, comments).
 *
 * <p>Queries without a total ORDER BY are compared as sets of rows (both sides sorted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlCoverageTest {
    private TpchOracle oracle;
    private NumbatContext ctx;

    @BeforeAll
    void setUp() throws Exception {
        oracle = new TpchOracle(Paths.get("target"), 0.01);
        ctx = NumbatContext.local();
        oracle.register(ctx);
    }

    @AfterAll
    void tearDown() throws Exception {
        ctx.close();
        oracle.close();
    }

    /** A query whose ORDER BY fixes the order of every row. */
    private static Arguments ordered(String name, String sql) {
        return Arguments.of(name, sql, true);
    }

    /** A query compared as a multiset of rows. */
    private static Arguments unordered(String name, String sql) {
        return Arguments.of(name, sql, false);
    }

    Stream<Arguments> queries() {
        return Stream.of(
                // ---- TPC-H with other substitution parameters ----
                ordered("q1 delta 60", """
                        select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty,
                          sum(l_extendedprice) as sum_base_price,
                          sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
                          sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
                          avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc,
                          count(*) as count_order
                        from lineitem
                        where l_shipdate <= date '1998-12-01' - interval '60' day
                        group by l_returnflag, l_linestatus
                        order by l_returnflag, l_linestatus"""),
                ordered("q1 delta 120 interval 120 days", """
                        SELECT l_returnflag, l_linestatus, sum(l_quantity), count(*)
                        FROM lineitem
                        WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL 120 DAY
                        GROUP BY 1, 2 ORDER BY 1, 2"""),
                ordered("q3 machinery", """
                        select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
                        from customer, orders, lineitem
                        where c_mktsegment = 'MACHINERY' and c_custkey = o_custkey and l_orderkey = o_orderkey
                          and o_orderdate < date '1995-03-10' and l_shipdate > date '1995-03-10'
                        group by l_orderkey, o_orderdate, o_shippriority
                        order by revenue desc, o_orderdate, l_orderkey
                        limit 10"""),
                unordered("q6 1997", """
                        select sum(l_extendedprice * l_discount) as revenue from lineitem
                        where l_shipdate >= date '1997-01-01' and l_shipdate < date '1997-01-01' + interval '1' year
                          and l_discount between 0.07 - 0.01 and 0.07 + 0.01 and l_quantity < 25"""),
                ordered("q10 1994-07", """
                        select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal,
                          n_name, c_address, c_phone
                        from customer, orders, lineitem, nation
                        where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1994-07-01'
                          and o_orderdate < date '1994-07-01' + interval '3' month and l_returnflag = 'R'
                          and c_nationkey = n_nationkey
                        group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address
                        order by revenue desc, c_custkey limit 20"""),
                ordered("q12 rail fob 1995", """
                        select l_shipmode,
                          sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end)
                            as high_line_count,
                          sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end)
                            as low_line_count
                        from orders, lineitem
                        where o_orderkey = l_orderkey and l_shipmode in ('RAIL', 'FOB')
                          and l_commitdate < l_receiptdate and l_shipdate < l_commitdate
                          and l_receiptdate >= date '1995-01-01' and l_receiptdate < date '1996-01-01'
                        group by l_shipmode order by l_shipmode"""),
                unordered("q14 1996-02", """
                        select 100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount)
                          else 0 end) / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
                        from lineitem, part
                        where l_partkey = p_partkey and l_shipdate >= date '1996-02-01'
                          and l_shipdate < date '1996-02-01' + interval '1' month"""),
                // ---- projections and predicates ----
                ordered("select star order limit", "SELECT * FROM nation ORDER BY n_nationkey LIMIT 7"),
                ordered("column subset offset", "select r_name, r_regionkey from region order by r_name limit 3 offset 1"),
                unordered("in list and between", """
                        select o_orderkey, o_orderstatus, o_totalprice from orders
                        where o_orderpriority in ('1-URGENT', '5-LOW') and o_totalprice between 1000 and 20000"""),
                unordered("not in list, like, not like", """
                        select p_partkey, p_name, p_type from part
                        where p_brand not in ('Brand#12', 'Brand#23') and p_name like '%green%'
                          and p_type not like '%BRASS'"""),
                unordered("ilike", "select c_name from customer where c_mktsegment ilike 'build%' and c_acctbal > 9000"),
                unordered("is null, coalesce, nullif", """
                        select n_name, coalesce(nullif(n_regionkey, 0), -1) as r, n_comment is null as no_comment
                        from nation"""),
                unordered("case searched and simple", """
                        select o_orderkey,
                          case o_orderstatus when 'F' then 'final' when 'O' then 'open' else 'partial' end as status,
                          case when o_totalprice > 200000 then 'big' when o_totalprice > 100000 then 'medium' end as size
                        from orders where o_orderkey < 200"""),
                // ---- string functions ----
                unordered("string functions", """
                        select upper(c_name), lower(c_mktsegment), substring(c_phone, 1, 2) as cc,
                          substring(c_name from 10), trim('  ' || c_mktsegment || '  '), length(c_address),
                          c_name || '/' || c_mktsegment, position('#' in c_name)
                        from customer where c_custkey <= 50"""),
                unordered("starts_with, prefix, substr", """
                        select count(*), count(distinct substr(p_type, 1, 5)) from part
                        where starts_with(p_type, 'PROMO') or p_container ilike 'sm%'"""),
                unordered("ltrim rtrim length", """
                        select ltrim('  x' || r_name), rtrim(r_name || '  ') || '|', length(r_name)
                        from region"""),
                // ---- date functions ----
                unordered("extract year month quarter dow", """
                        select o_orderkey, extract(year from o_orderdate) as y, extract(month from o_orderdate) as m,
                          extract(quarter from o_orderdate) as q, extract(dow from o_orderdate) as d,
                          year(o_orderdate), month(o_orderdate), day(o_orderdate)
                        from orders where o_orderkey < 100"""),
                ordered("date_trunc month group by alias", """
                        select cast(date_trunc('month', o_orderdate) as date) as month, count(*) as n
                        from orders where o_orderdate >= date '1995-01-01' and o_orderdate < '1996-01-01'
                        group by month order by month"""),
                unordered("date arithmetic and comparisons", """
                        select l_orderkey, l_linenumber, cast(l_shipdate + interval 30 day as date), cast(l_receiptdate + interval '2' year as date),
                          cast(l_shipdate - interval '1' month as date), l_commitdate > l_shipdate
                        from lineitem where l_orderkey < 40 and l_shipdate >= cast('1996-01-01' as date)"""),
                unordered("date_part and year group", """
                        select date_part('year', o_orderdate) as yr, count(*) from orders group by yr"""),
                // ---- numeric functions ----
                unordered("round abs floor ceil", """
                        select c_custkey, round(c_acctbal, 1), abs(c_acctbal), floor(c_acctbal), ceil(c_acctbal),
                          round(c_acctbal / 7, 2), round(c_acctbal)
                        from customer where c_custkey < 60"""),
                unordered("integer division and modulo", """
                        select o_orderkey // 7, o_orderkey % 7, o_orderkey / 4.0, mod(o_orderkey, 5)
                        from orders where o_orderkey < 100"""),
                unordered("casts", """
                        select cast(l_quantity as double), cast(l_extendedprice as bigint), cast(l_discount as decimal(5,3)),
                          cast(l_linenumber as varchar), cast(l_orderkey as integer) + 1
                        from lineitem where l_orderkey < 30"""),
                // ---- aggregates ----
                unordered("count distinct and avg of integers", """
                        select count(distinct o_custkey), avg(o_shippriority), avg(o_custkey), count(o_comment)
                        from orders"""),
                unordered("min max of strings and dates", """
                        select o_orderstatus, min(o_clerk), max(o_clerk), min(o_orderdate), max(o_orderdate)
                        from orders group by o_orderstatus"""),
                unordered("stddev and variance", """
                        select l_returnflag, stddev_samp(l_quantity), var_samp(l_extendedprice), stddev(l_discount),
                          variance(l_tax), stddev_pop(l_quantity), var_pop(l_quantity)
                        from lineitem group by l_returnflag"""),
                unordered("sum of expressions and filter", """
                        select l_shipmode, sum(l_quantity * 2 + 1), count(*) filter (where l_returnflag = 'R') as r,
                          sum(l_extendedprice) filter (where l_discount > 0.05)
                        from lineitem group by l_shipmode"""),
                ordered("having order by aggregate desc", """
                        select c_nationkey, count(*) as cnt, sum(c_acctbal) as bal from customer
                        group by c_nationkey having count(*) > 55 order by cnt desc, c_nationkey"""),
                ordered("group by ordinal order by expression", """
                        select n_regionkey, count(*) from nation group by 1 order by count(*) desc, 1"""),
                ordered("group by alias named year", """
                        select extract(year from o_orderdate) as year, sum(o_totalprice) as total from orders
                        group by year order by year desc"""),
                // ---- ordering with NULLs ----
                ordered("nulls sort last by default desc", """
                        select n_nationkey, case when n_nationkey % 3 = 0 then null else n_nationkey end as k
                        from nation order by k desc, n_nationkey"""),
                ordered("nulls sort last by default asc", """
                        select n_nationkey, nullif(n_regionkey, 2) as k from nation order by k, n_nationkey"""),
                ordered("nulls first explicit", """
                        select n_nationkey, nullif(n_regionkey, 2) as k from nation
                        order by k desc nulls first, n_nationkey"""),
                ordered("order by expression not selected", """
                        select c_name from customer order by c_acctbal * -1, c_custkey limit 5"""),
                // ---- distinct and set operations ----
                unordered("distinct", "select distinct l_returnflag, l_linestatus from lineitem"),
                unordered("union", """
                        select n_name as name from nation where n_regionkey = 1
                        union select r_name from region"""),
                unordered("intersect", """
                        select c_nationkey from customer where c_acctbal > 9900
                        intersect select s_nationkey from supplier"""),
                unordered("except", "select n_nationkey from nation except select s_nationkey from supplier where s_acctbal > 0"),
                // ---- sub-queries ----
                unordered("subquery in from", """
                        select seg, avg(total) from (select c_mktsegment as seg, o_totalprice as total
                          from customer join orders on c_custkey = o_custkey) t group by seg"""),
                unordered("scalar subquery in select and where", """
                        select o_orderkey, o_totalprice - (select avg(o_totalprice) from orders) as diff from orders
                        where o_totalprice > (select max(o_totalprice) * 0.9 from orders)"""),
                unordered("exists correlated", """
                        select c_custkey from customer where c_custkey < 200 and exists
                          (select 1 from orders where o_custkey = c_custkey and o_orderpriority = '1-URGENT')"""),
                unordered("not exists correlated", """
                        select c_custkey from customer where not exists (select * from orders where o_custkey = c_custkey)"""),
                unordered("in subquery", """
                        select s_name from supplier where s_nationkey in (select n_nationkey from nation where n_regionkey = 3)"""),
                unordered("not in subquery with nulls", """
                        select n_nationkey from nation
                        where n_nationkey not in (select nullif(s_nationkey, 5) from supplier where s_acctbal > 5000)"""),
                unordered("not in subquery without nulls", """
                        select r_regionkey from region where r_regionkey not in (select n_regionkey from nation where n_nationkey < 5)"""),
                unordered("correlated scalar subquery", """
                        select p_partkey, p_retailprice from part p
                        where p_retailprice > (select avg(p2.p_retailprice) * 1.3 from part p2 where p2.p_brand = p.p_brand)"""),
                // ---- CTEs ----
                ordered("ctes referencing each other", """
                        with big as (select o_custkey, o_totalprice from orders where o_totalprice > 300000),
                             per_cust as (select o_custkey, count(*) as n from big group by o_custkey)
                        select c_name, n from per_cust join customer on c_custkey = o_custkey
                        order by n desc, c_name limit 10"""),
                // ---- joins ----
                unordered("self join with aliases", """
                        select a.n_name, b.n_name from nation a, nation b
                        where a.n_regionkey = b.n_regionkey and a.n_nationkey < b.n_nationkey"""),
                unordered("left join with non-equi on", """
                        select c_custkey, o_orderkey from customer left join orders
                          on c_custkey = o_custkey and o_totalprice > 400000
                        where c_custkey < 100"""),
                unordered("right join", """
                        select n_name, s_suppkey from supplier right join nation on s_nationkey = n_nationkey
                          and s_acctbal > 9000"""),
                unordered("full outer join", """
                        select r.r_name, n.n_name from (select * from region where r_regionkey < 3) r
                        full outer join (select * from nation where n_nationkey > 15) n on r.r_regionkey = n.n_regionkey"""),
                unordered("join using", """
                        select n_regionkey, r_name, n_name from nation join (select r_regionkey as n_regionkey, r_name
                          from region) r using (n_regionkey)"""),
                unordered("count over left join null side", """
                        select c_custkey, count(o_orderkey) from customer left join orders on c_custkey = o_custkey
                        where c_custkey < 50 group by c_custkey"""),
                // ---- grouping sets ----
                unordered("rollup with grouping()", """
                        select l_returnflag, l_linestatus, count(*) as n, sum(l_quantity) as q,
                          grouping(l_returnflag, l_linestatus) as g
                        from lineitem group by rollup(l_returnflag, l_linestatus)"""),
                unordered("cube", """
                        select n_regionkey, n_nationkey % 2 as parity, count(*) as n
                        from nation group by cube(n_regionkey, n_nationkey % 2)"""),
                unordered("grouping sets", """
                        select o_orderstatus, o_orderpriority, count(*) as n from orders
                        group by grouping sets ((o_orderstatus), (o_orderpriority), ())"""),
                // ---- window functions ----
                unordered("row_number and rank", """
                        select n_name, n_regionkey, row_number() over (partition by n_regionkey order by n_name) as rn,
                          rank() over (order by n_regionkey) as rk
                        from nation"""),
                unordered("running sum", """
                        select o_orderkey, sum(o_totalprice) over (order by o_orderkey) as running
                        from orders where o_custkey = 370"""),
                // ---- VALUES, case, quoting, comments ----
                unordered("values list", "select * from (values (1, 'a'), (2, 'b'), (3, null)) as t(x, y)"),
                unordered("mixed case keywords and identifiers", """
                        SeLeCt N_NAME, R_Name FrOm NATION JoIn Region On n_regionkey = R_REGIONKEY WHERE N_NATIONKEY < 4"""),
                unordered("quoted identifiers", """
                        select "n_name" as "Nation Name", "n_regionkey" from "nation" where "n_nationkey" = 7"""),
                unordered("trailing semicolon and comments", """
                        -- a line comment
                        select /* block comment */ count(*) as n
                        from region; """)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void matchesDuckDb(String name, String sql, boolean ordered) throws Exception {
        DataStream query = ctx.sql(sql);
        List<List<Object>> actual = TpchOracle.values(query.collectRows());
        List<List<Object>> expected = oracle.duckdb(sql);
        if (!ordered) {
            actual = sorted(actual);
            expected = sorted(expected);
        }
        String diff = TpchOracle.difference(expected, actual);
        assertThat(diff).as("%s differs from DuckDB:%n%s%nplan:%n%s", name, diff, query.explain()).isNull();
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows);
        out.sort(ROWS);
        return out;
    }

    private static final Comparator<Object> VALUE = (a, b) -> {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return a.toString().compareTo(b.toString());
    };

    private static final Comparator<List<Object>> ROWS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = VALUE.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };
}
