package dev.numbat.bench.tpch;

import java.util.List;
import java.util.Map;
import dev.numbat.core.NumbatException;
import io.trino.tpch.TpchTable;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The eight TPC-H tables: their names, Arrow schemas with the specification's types, and row counts at a scale
 * factor.
 *
 * <p>Types follow the TPC-H specification (clause 1.4), as DuckDB's and Spark's TPC-H schemas do: every
 * {@code *key} column is BIGINT ({@code Int64}), money, quantities, discounts and taxes are DECIMAL(15,2)
 * (128-bit {@code Decimal}), dates are DATE ({@code DateDay}), the remaining integers ({@code l_linenumber},
 * {@code p_size}, {@code ps_availqty}, {@code o_shippriority}) are INTEGER ({@code Int32}) and text is
 * VARCHAR ({@code Utf8}; the specification's fixed CHAR(n) columns too, without padding). No column is
 * nullable. Column names and their order are the specification's, in lower case.
 */
public final class TpchTables {
    /** Table names in the order of the specification's schema diagram, small to large dependencies first. */
    public static final List<String> NAMES =
            List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem");

    /**
     * lineitem has 1 to 7 rows per order, so its size is known only by generating it; these are the counts
     * dbgen (and io.trino.tpch, which reproduces it) yields, from the specification's table of scale factors
     * plus the small ones used in tests.
     */
    private static final Map<Double, Long> LINEITEM_ROWS = Map.of(
            0.01, 60_175L,
            0.1, 600_572L,
            1.0, 6_001_215L,
            10.0, 59_986_052L,
            30.0, 179_998_372L,
            100.0, 600_037_902L,
            300.0, 1_799_989_091L,
            1000.0, 5_999_989_709L);

    private static final Map<String, Schema> SCHEMAS = Map.of(
            "region", schema(key("r_regionkey"), text("r_name"), text("r_comment")),
            "nation", schema(key("n_nationkey"), text("n_name"), key("n_regionkey"), text("n_comment")),
            "supplier", schema(key("s_suppkey"), text("s_name"), text("s_address"), key("s_nationkey"),
                    text("s_phone"), money("s_acctbal"), text("s_comment")),
            "customer", schema(key("c_custkey"), text("c_name"), text("c_address"), key("c_nationkey"),
                    text("c_phone"), money("c_acctbal"), text("c_mktsegment"), text("c_comment")),
            "part", schema(key("p_partkey"), text("p_name"), text("p_mfgr"), text("p_brand"), text("p_type"),
                    integer("p_size"), text("p_container"), money("p_retailprice"), text("p_comment")),
            "partsupp", schema(key("ps_partkey"), key("ps_suppkey"), integer("ps_availqty"),
                    money("ps_supplycost"), text("ps_comment")),
            "orders", schema(key("o_orderkey"), key("o_custkey"), text("o_orderstatus"), money("o_totalprice"),
                    date("o_orderdate"), text("o_orderpriority"), text("o_clerk"), integer("o_shippriority"),
                    text("o_comment")),
            "lineitem", schema(key("l_orderkey"), key("l_partkey"), key("l_suppkey"), integer("l_linenumber"),
                    money("l_quantity"), money("l_extendedprice"), money("l_discount"), money("l_tax"),
                    text("l_returnflag"), text("l_linestatus"), date("l_shipdate"), date("l_commitdate"),
                    date("l_receiptdate"), text("l_shipinstruct"), text("l_shipmode"), text("l_comment")));

    /** DECIMAL(15,2) as the specification and the peers (DuckDB, Spark) use for money. */
    public static final ArrowType.Decimal MONEY = new ArrowType.Decimal(15, 2, 128);

    private TpchTables() {
    }

    /** The Arrow schema of {@code table}. */
    public static Schema schema(String table) {
        return SCHEMAS.get(checkName(table));
    }

    /** The generator of {@code table}. */
    public static TpchTable<?> table(String table) {
        return TpchTable.getTable(checkName(table));
    }

    /**
     * The exact row count of {@code table} at {@code scaleFactor}. For lineitem it is known only at the
     * scale factors tabulated above (0.01, 0.1, 1, 10, 30, 100, 300, 1000); elsewhere use
     * {@link #estimatedRowCount}.
     *
     * @throws NumbatException USER_ERROR for an unknown table or an untabulated lineitem scale factor
     */
    public static long rowCount(String table, double scaleFactor) {
        checkScaleFactor(scaleFactor);
        if (checkName(table).equals("lineitem")) {
            Long rows = LINEITEM_ROWS.get(scaleFactor);
            if (rows == null) {
                throw NumbatException.userError(
                        "the lineitem row count at scale factor %s is not known without generating it", scaleFactor);
            }
            return rows;
        }
        return estimatedRowCount(table, scaleFactor);
    }

    /** The row count, exact for every table but lineitem, for which it is 4 lines per order (the mean). */
    public static long estimatedRowCount(String table, double scaleFactor) {
        checkScaleFactor(scaleFactor);
        return switch (checkName(table)) {
            case "region" -> 5;
            case "nation" -> 25;
            case "lineitem" -> 4 * generatorUnits(table, scaleFactor);
            case "partsupp" -> 4 * generatorUnits(table, scaleFactor);
            default -> generatorUnits(table, scaleFactor);
        };
    }

    /**
     * How many units the generator divides into parts: rows for most tables, orders for lineitem (an order's
     * lines stay in one part) and parts for partsupp (four suppliers per part).
     */
    static long generatorUnits(String table, double scaleFactor) {
        return switch (table) {
            case "region" -> 5;
            case "nation" -> 25;
            case "supplier" -> (long) (10_000 * scaleFactor);
            case "customer" -> (long) (150_000 * scaleFactor);
            case "part", "partsupp" -> (long) (200_000 * scaleFactor);
            case "orders", "lineitem" -> (long) (1_500_000 * scaleFactor);
            default -> throw new IllegalArgumentException(table);
        };
    }

    static String checkName(String table) {
        if (table == null || !SCHEMAS.containsKey(table)) {
            throw NumbatException.userError("unknown TPC-H table '%s'; the tables are %s", table, NAMES);
        }
        return table;
    }

    static void checkScaleFactor(double scaleFactor) {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw NumbatException.userError("TPC-H scale factor must be positive, was %s", scaleFactor);
        }
    }

    private static Schema schema(Field... fields) {
        return new Schema(List.of(fields));
    }

    private static Field key(String name) {
        return field(name, new ArrowType.Int(64, true));
    }

    private static Field integer(String name) {
        return field(name, new ArrowType.Int(32, true));
    }

    private static Field money(String name) {
        return field(name, new ArrowType.Decimal(15, 2, 128));
    }

    private static Field date(String name) {
        return field(name, new ArrowType.Date(DateUnit.DAY));
    }

    private static Field text(String name) {
        return field(name, ArrowType.Utf8.INSTANCE);
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }
}
