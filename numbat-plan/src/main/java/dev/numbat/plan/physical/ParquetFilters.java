package dev.numbat.plan.physical;

import dev.numbat.io.parquet.ParquetFilter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.Sarg;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;

/**
 * Translates the simple conjuncts of a scan's filter (column compared with a literal, IN lists, ranges, IS
 * [NOT] NULL) into a {@link ParquetFilter} for row-group pruning. Conjuncts it cannot translate are left out,
 * which only prunes less: the full condition is still applied to the rows.
 */
final class ParquetFilters {
    private ParquetFilters() {
    }

    /** The pruning filter for {@code condition} over columns named {@code columns}, or null if none applies. */
    static ParquetFilter of(RexNode condition, List<String> columns) {
        List<ParquetFilter> terms = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            ParquetFilter f = term(conjunct, columns);
            if (f != null) {
                terms.add(f);
            }
        }
        if (terms.isEmpty()) {
            return null;
        }
        return terms.size() == 1 ? terms.get(0) : new ParquetFilter.And(terms);
    }

    private static ParquetFilter term(RexNode node, List<String> columns) {
        if (!(node instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case IS_NULL, IS_NOT_NULL -> {
                if (ops.get(0) instanceof RexInputRef ref) {
                    String c = columns.get(ref.getIndex());
                    return call.getKind() == SqlKind.IS_NULL ? new ParquetFilter.IsNull(c) : new ParquetFilter.IsNotNull(c);
                }
                return null;
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
                boolean flipped = !(ops.get(0) instanceof RexInputRef);
                RexNode refNode = flipped ? ops.get(1) : ops.get(0);
                RexNode litNode = flipped ? ops.get(0) : ops.get(1);
                if (!(refNode instanceof RexInputRef ref) || !(litNode instanceof RexLiteral lit)) {
                    return null;
                }
                Object v = value(lit);
                if (v == null) {
                    return null;
                }
                SqlKind kind = flipped ? call.getKind().reverse() : call.getKind();
                return new ParquetFilter.Compare(columns.get(ref.getIndex()), op(kind), v);
            }
            case SEARCH -> {
                if (ops.get(0) instanceof RexInputRef ref && ops.get(1) instanceof RexLiteral lit) {
                    return search(columns.get(ref.getIndex()), lit);
                }
                return null;
            }
            case OR -> {
                List<ParquetFilter> terms = new ArrayList<>();
                for (RexNode d : ops) {
                    ParquetFilter f = term(d, columns);
                    if (f == null) {
                        return null; // an untranslatable disjunct could match anything
                    }
                    terms.add(f);
                }
                return new ParquetFilter.Or(terms);
            }
            default -> {
                return null;
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ParquetFilter search(String column, RexLiteral lit) {
        Sarg sarg = lit.getValueAs(Sarg.class);
        if (sarg.isPoints()) {
            List<Object> values = new ArrayList<>();
            for (Object r : sarg.rangeSet.asRanges()) {
                Object v = convert(((Range) r).lowerEndpoint());
                if (v == null) {
                    return null;
                }
                values.add(v);
            }
            return new ParquetFilter.In(column, values);
        }
        List<ParquetFilter> ranges = new ArrayList<>();
        for (Object o : sarg.rangeSet.asRanges()) {
            Range r = (Range) o;
            List<ParquetFilter> bounds = new ArrayList<>();
            if (r.hasLowerBound()) {
                Object v = convert(r.lowerEndpoint());
                if (v == null) {
                    return null;
                }
                bounds.add(new ParquetFilter.Compare(column, r.lowerBoundType() == BoundType.CLOSED
                        ? ParquetFilter.Op.GE : ParquetFilter.Op.GT, v));
            }
            if (r.hasUpperBound()) {
                Object v = convert(r.upperEndpoint());
                if (v == null) {
                    return null;
                }
                bounds.add(new ParquetFilter.Compare(column, r.upperBoundType() == BoundType.CLOSED
                        ? ParquetFilter.Op.LE : ParquetFilter.Op.LT, v));
            }
            if (bounds.isEmpty()) {
                return null; // (-inf, +inf): nothing to prune
            }
            ranges.add(bounds.size() == 1 ? bounds.get(0) : new ParquetFilter.And(bounds));
        }
        if (ranges.isEmpty()) {
            return null;
        }
        return ranges.size() == 1 ? ranges.get(0) : new ParquetFilter.Or(ranges);
    }

    private static ParquetFilter.Op op(SqlKind kind) {
        return switch (kind) {
            case EQUALS -> ParquetFilter.Op.EQ;
            case NOT_EQUALS -> ParquetFilter.Op.NE;
            case LESS_THAN -> ParquetFilter.Op.LT;
            case LESS_THAN_OR_EQUAL -> ParquetFilter.Op.LE;
            case GREATER_THAN -> ParquetFilter.Op.GT;
            case GREATER_THAN_OR_EQUAL -> ParquetFilter.Op.GE;
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    private static Object value(RexLiteral lit) {
        if (lit.isNull()) {
            return null;
        }
        Object v;
        try {
            v = RexToExpr.literalValue(lit);
        } catch (RuntimeException e) {
            return null;
        }
        return v instanceof Long || v instanceof Double || v instanceof BigDecimal || v instanceof String
                || v instanceof LocalDate ? v : null;
    }

    /** A Sarg endpoint (Calcite's comparable representation) as a ParquetFilter literal, or null. */
    private static Object convert(Object endpoint) {
        if (endpoint instanceof BigDecimal d) {
            return d;
        }
        if (endpoint instanceof org.apache.calcite.util.NlsString s) {
            return s.getValue();
        }
        if (endpoint instanceof org.apache.calcite.util.DateString d) {
            return LocalDate.ofEpochDay(d.getDaysSinceEpoch());
        }
        if (endpoint instanceof Long || endpoint instanceof Double || endpoint instanceof String) {
            return endpoint;
        }
        if (endpoint instanceof Integer i) {
            return i.longValue();
        }
        return null;
    }
}
