package dev.numbat.plan.metadata;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import dev.numbat.plan.catalog.ColumnStats;
import dev.numbat.plan.catalog.SourceTable;
import dev.numbat.plan.catalog.TableStats;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Selectivity of predicates over table columns from the tables' {@link ColumnStats} (Parquet footers, CSV
 * samples), for the row counts that order joins and choose broadcast joins.
 *
 * <p>Asked of a scan or a projection (Calcite's own handlers push predicates through filters, sorts,
 * aggregates and unions down to these), a comparison of a column (found through projections with
 * {@link RelMetadataQuery#getColumnOrigin}) with a literal is estimated from the column's statistics:
 * <ul>
 *   <li>ranges ({@code <, <=, >, >=}, {@code BETWEEN} and other {@code SEARCH} ranges) by linear interpolation
 *       between the column's minimum and maximum (numbers, dates, timestamps; integers and dates count whole
 *       values, so {@code x <= 10} over 1..100 is 10%);</li>
 *   <li>{@code =} as {@code 1 / distinct values} when known, else {@code 1 / (max - min + 1)} for integers and
 *       dates, else Calcite's guess; {@code <>} as its complement; values outside the range as (almost) none;</li>
 *   <li>{@code IS NULL} and {@code IS NOT NULL} from the null count.</li>
 * </ul>
 * Range and equality fractions apply to non-null rows. Bounds on one column in a conjunction make one range;
 * a date literal plus or minus an interval literal counts as a literal. {@code AND} multiplies (independence),
 * {@code OR} adds and subtracts the product, {@code NOT} complements; any other term, or a term on a column
 * without statistics, takes Calcite's guess ({@link RelMdUtil#guessSelectivity}). A predicate none of whose
 * terms has statistics gets Calcite's guess as a whole, so sources without statistics plan as before.
 */
public final class NumbatRelMdSelectivity implements MetadataHandler<BuiltInMetadata.Selectivity> {
    static final NumbatRelMdSelectivity INSTANCE = new NumbatRelMdSelectivity();

    /** No estimate is quite zero: statistics bound the data, but a zero would make every product zero. */
    private static final double MIN_SELECTIVITY = 1e-9;

    private NumbatRelMdSelectivity() {
    }

    @Override
    public MetadataDef<BuiltInMetadata.Selectivity> getDef() {
        return BuiltInMetadata.Selectivity.DEF;
    }

    public Double getSelectivity(TableScan scan, RelMetadataQuery mq, RexNode predicate) {
        return estimate(scan, mq, predicate);
    }

    public Double getSelectivity(Project project, RelMetadataQuery mq, RexNode predicate) {
        return estimate(project, mq, predicate);
    }

    /** The selectivity of {@code predicate} over {@code rel}'s output (see the class comment). */
    static double estimate(RelNode rel, RelMetadataQuery mq, RexNode predicate) {
        if (predicate == null || predicate.isAlwaysTrue()) {
            return 1.0;
        }
        Double s = known(rel, mq, predicate);
        return s == null ? RelMdUtil.guessSelectivity(predicate) : clamp(s);
    }

    /** The estimate of {@code e}, or {@code null} when no part of it has statistics. */
    private static Double known(RelNode rel, RelMetadataQuery mq, RexNode e) {
        if (!(e instanceof RexCall call)) {
            return null;
        }
        switch (e.getKind()) {
            case AND -> {
                return conjunction(rel, mq, call);
            }
            case OR -> {
                boolean any = false;
                double s = 0.0;
                for (RexNode operand : call.getOperands()) {
                    Double k = known(rel, mq, operand);
                    any |= k != null;
                    double t = k == null ? RelMdUtil.guessSelectivity(operand) : clamp(k);
                    s = s + t - s * t;
                }
                return any ? s : null;
            }
            case NOT -> {
                Double k = known(rel, mq, call.getOperands().get(0));
                return k == null ? null : 1.0 - clamp(k);
            }
            case IS_NULL, IS_NOT_NULL -> {
                Column c = column(rel, mq, call.getOperands().get(0));
                if (c == null || !c.stats.hasNullCount()) {
                    return null;
                }
                double nulls = c.nullFraction();
                return e.getKind() == SqlKind.IS_NULL ? nulls : 1.0 - nulls;
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
                return comparison(rel, mq, call);
            }
            case SEARCH -> {
                return search(rel, mq, call);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A conjunction: bounds on the same column ({@code x >= a AND x < b}) intersect into one range; the
     * resulting ranges and other terms multiply.
     */
    private static Double conjunction(RelNode rel, RelMetadataQuery mq, RexCall call) {
        boolean any = false;
        double s = 1.0;
        Map<Integer, Bounds> ranges = new LinkedHashMap<>();
        for (RexNode operand : call.getOperands()) {
            Bounds b = bound(rel, mq, operand);
            if (b != null) {
                ranges.merge(b.key, b, Bounds::intersect);
                continue;
            }
            Double k = known(rel, mq, operand);
            any |= k != null;
            s *= k == null ? RelMdUtil.guessSelectivity(operand) : clamp(k);
        }
        for (Bounds b : ranges.values()) {
            Double f = b.column.range(b.lo, b.loClosed, b.hi, b.hiClosed);
            if (f == null) {
                return null; // cannot happen: bound() requires a range
            }
            any = true;
            s *= clamp(f * b.column.nonNullFraction());
        }
        return any ? s : null;
    }

    /** A one-sided range ({@code <, <=, >, >=}) of a column with a known range, or {@code null}. */
    private static Bounds bound(RelNode rel, RelMetadataQuery mq, RexNode e) {
        SqlKind kind = e.getKind();
        if (!(e instanceof RexCall call) || !(kind == SqlKind.LESS_THAN || kind == SqlKind.LESS_THAN_OR_EQUAL
                || kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL)) {
            return null;
        }
        RexNode ref = call.getOperands().get(0);
        Double v = literal(call.getOperands().get(1));
        if (v == null) {
            ref = call.getOperands().get(1);
            v = literal(call.getOperands().get(0));
            kind = kind.reverse();
        }
        Integer key = inputIndex(ref);
        Column c = v == null || key == null ? null : column(rel, mq, ref);
        if (c == null || !c.stats.hasRange()) {
            return null;
        }
        return switch (kind) {
            case LESS_THAN -> new Bounds(key, c, null, false, v, false);
            case LESS_THAN_OR_EQUAL -> new Bounds(key, c, null, false, v, true);
            case GREATER_THAN -> new Bounds(key, c, v, false, null, false);
            default -> new Bounds(key, c, v, true, null, false);
        };
    }

    private static Integer inputIndex(RexNode node) {
        RexNode e = node;
        while (e.getKind() == SqlKind.CAST) {
            e = ((RexCall) e).getOperands().get(0);
        }
        return e instanceof RexInputRef ref ? ref.getIndex() : null;
    }

    /** Bounds on one column ({@code null}: unbounded). */
    private record Bounds(int key, Column column, Double lo, boolean loClosed, Double hi, boolean hiClosed) {
        Bounds intersect(Bounds o) {
            Double l = lo;
            boolean lc = loClosed;
            if (o.lo != null && (l == null || o.lo > l || (o.lo.equals(l) && !o.loClosed))) {
                l = o.lo;
                lc = o.loClosed;
            }
            Double h = hi;
            boolean hc = hiClosed;
            if (o.hi != null && (h == null || o.hi < h || (o.hi.equals(h) && !o.hiClosed))) {
                h = o.hi;
                hc = o.hiClosed;
            }
            return new Bounds(key, column, l, lc, h, hc);
        }
    }

    private static Double comparison(RelNode rel, RelMetadataQuery mq, RexCall call) {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        SqlKind kind = call.getKind();
        Column c = column(rel, mq, left);
        Double v = literal(right);
        if (c == null || v == null) {
            c = column(rel, mq, right);
            v = literal(left);
            kind = kind.reverse();
        }
        if (c == null || v == null) {
            return null;
        }
        Double fraction = switch (kind) {
            case EQUALS -> c.point(v);
            case NOT_EQUALS -> {
                Double p = c.point(v);
                yield p == null ? null : 1.0 - p;
            }
            case LESS_THAN -> c.range(null, false, v, false);
            case LESS_THAN_OR_EQUAL -> c.range(null, false, v, true);
            case GREATER_THAN -> c.range(v, false, null, false);
            case GREATER_THAN_OR_EQUAL -> c.range(v, true, null, false);
            default -> null;
        };
        return fraction == null ? null : fraction * c.nonNullFraction();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Double search(RelNode rel, RelMetadataQuery mq, RexCall call) {
        Column c = column(rel, mq, call.getOperands().get(0));
        if (c == null || !(call.getOperands().get(1) instanceof RexLiteral lit)) {
            return null;
        }
        Sarg<?> sarg = lit.getValueAs(Sarg.class);
        if (sarg == null) {
            return null;
        }
        double nonNull;
        if (sarg.isAll()) {
            nonNull = 1.0;
        } else {
            nonNull = 0;
            for (Object o : sarg.rangeSet.asRanges()) {
                Range r = (Range) o;
                Double lo = r.hasLowerBound() ? value(r.lowerEndpoint()) : null;
                Double hi = r.hasUpperBound() ? value(r.upperEndpoint()) : null;
                if ((r.hasLowerBound() && lo == null) || (r.hasUpperBound() && hi == null)) {
                    return null;
                }
                boolean loClosed = r.hasLowerBound() && r.lowerBoundType() == BoundType.CLOSED;
                boolean hiClosed = r.hasUpperBound() && r.upperBoundType() == BoundType.CLOSED;
                Double f = lo != null && lo.equals(hi) && loClosed && hiClosed ? c.point(lo)
                        : c.range(lo, loClosed, hi, hiClosed);
                if (f == null) {
                    return null;
                }
                nonNull += f;
            }
        }
        double s = Math.min(1.0, nonNull) * c.nonNullFraction();
        if (sarg.nullAs == RexUnknownAs.TRUE && c.stats.hasNullCount()) {
            s += c.nullFraction();
        }
        return s;
    }

    private static double clamp(double s) {
        return Math.max(MIN_SELECTIVITY, Math.min(1.0, s));
    }

    /** A literal's value on the statistics' numeric scale (see {@link ColumnStats}), or {@code null}. */
    private static Double literal(RexNode node) {
        if (node instanceof RexCall call && call.getOperands().size() == 2
                && (node.getKind() == SqlKind.PLUS || node.getKind() == SqlKind.MINUS)) {
            return dateArithmetic(call);
        }
        if (!(node instanceof RexLiteral lit) || lit.isNull()) {
            return null;
        }
        SqlTypeName type = lit.getType().getSqlTypeName();
        if (type == SqlTypeName.DATE) {
            return value(lit.getValueAs(DateString.class));
        }
        if (type == SqlTypeName.TIMESTAMP) {
            return value(lit.getValueAs(TimestampString.class));
        }
        if (SqlTypeFamily.NUMERIC.contains(lit.getType())) {
            return value(lit.getValueAs(BigDecimal.class));
        }
        return null;
    }

    /**
     * {@code DATE 'x' ± INTERVAL n unit} as days, for predicates the planner leaves unfolded (TPC-H's
     * {@code o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR}); {@code null} for anything else.
     */
    private static Double dateArithmetic(RexCall call) {
        if (!(call.getOperands().get(0) instanceof RexLiteral date) || date.isNull()
                || date.getType().getSqlTypeName() != SqlTypeName.DATE
                || !(call.getOperands().get(1) instanceof RexLiteral interval) || interval.isNull()) {
            return null;
        }
        BigDecimal amount = interval.getValueAs(BigDecimal.class);
        if (amount == null) {
            return null;
        }
        long n = call.getKind() == SqlKind.MINUS ? -amount.longValue() : amount.longValue();
        LocalDate start = LocalDate.ofEpochDay(date.getValueAs(DateString.class).getDaysSinceEpoch());
        SqlTypeFamily family = interval.getType().getSqlTypeName().getFamily();
        if (family == SqlTypeFamily.INTERVAL_YEAR_MONTH) {
            return (double) start.plusMonths(n).toEpochDay(); // amount in months
        }
        if (family == SqlTypeFamily.INTERVAL_DAY_TIME) {
            return (double) start.toEpochDay() + n / 86_400_000.0; // amount in milliseconds
        }
        return null;
    }

    private static Double value(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof DateString d) {
            return (double) d.getDaysSinceEpoch();
        }
        if (v instanceof TimestampString t) {
            return (double) t.getMillisSinceEpoch();
        }
        return null;
    }

    /**
     * The table column (with statistics) that {@code node}, a column of {@code rel} (perhaps under a cast
     * between numeric types), comes from unchanged; or {@code null}.
     */
    static Column column(RelNode rel, RelMetadataQuery mq, RexNode node) {
        RexNode e = node;
        while (e.getKind() == SqlKind.CAST) {
            RexNode inner = ((RexCall) e).getOperands().get(0);
            boolean numeric = SqlTypeFamily.NUMERIC.contains(inner.getType())
                    && SqlTypeFamily.NUMERIC.contains(e.getType());
            if (!numeric) {
                return null;
            }
            e = inner;
        }
        if (!(e instanceof RexInputRef ref)) {
            return null;
        }
        RelColumnOrigin origin = mq.getColumnOrigin(rel, ref.getIndex());
        if (origin == null || origin.isDerived()) {
            return null;
        }
        return column(origin.getOriginTable(), origin.getOriginColumnOrdinal(), ref.getType().getSqlTypeName());
    }

    /** The statistics of column {@code ordinal} of {@code table}, or {@code null}. */
    static Column column(RelOptTable table, int ordinal, SqlTypeName type) {
        SourceTable source = table.unwrap(SourceTable.class);
        if (source == null) {
            return null;
        }
        TableStats stats = source.stats();
        if (stats == null || stats.rowCount() <= 0) {
            return null;
        }
        ColumnStats cs = stats.column(table.getRowType().getFieldNames().get(ordinal));
        if (cs == null) {
            return null;
        }
        boolean discrete = switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, DATE -> true;
            default -> false;
        };
        return new Column(cs, stats.rowCount(), discrete);
    }

    /** A column's statistics with what interpolating over them needs. */
    record Column(ColumnStats stats, double rows, boolean discrete) {
        double nullFraction() {
            return stats.hasNullCount() ? Math.min(1.0, stats.nullCount() / rows) : 0.0;
        }

        double nonNullFraction() {
            return 1.0 - nullFraction();
        }

        /** The fraction of non-null values equal to {@code v}, or {@code null} when unknown. */
        Double point(double v) {
            if (stats.hasRange() && (v < stats.min() || v > stats.max())) {
                return 0.0;
            }
            if (stats.hasDistinctCount()) {
                return 1.0 / stats.distinctCount();
            }
            if (discrete && stats.hasRange()) {
                return 1.0 / (stats.max() - stats.min() + 1);
            }
            return null;
        }

        /** The fraction of non-null values in the range ({@code null} bound: unbounded), or {@code null}. */
        Double range(Double lo, boolean loClosed, Double hi, boolean hiClosed) {
            if (!stats.hasRange()) {
                return null;
            }
            double min = stats.min();
            double max = stats.max();
            if (discrete) {
                double l = lo == null ? min : loClosed ? Math.ceil(lo) : Math.floor(lo) + 1;
                double h = hi == null ? max : hiClosed ? Math.floor(hi) : Math.ceil(hi) - 1;
                l = Math.max(l, min);
                h = Math.min(h, max);
                return h < l ? 0.0 : (h - l + 1) / (max - min + 1);
            }
            double l = lo == null ? min : Math.max(lo, min);
            double h = hi == null ? max : Math.min(hi, max);
            boolean openAtPoint = (lo != null && !loClosed && lo >= min) || (hi != null && !hiClosed && hi <= max);
            if (h < l || (h == l && openAtPoint)) {
                return 0.0;
            }
            if (max == min) {
                return 1.0;
            }
            if (h == l) {
                Double p = point(l);
                return p == null ? null : p;
            }
            return (h - l) / (max - min);
        }
    }
}
