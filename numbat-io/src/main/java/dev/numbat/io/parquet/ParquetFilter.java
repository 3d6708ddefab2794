package dev.numbat.io.parquet;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A predicate over the columns of a Parquet data set, given to {@link ParquetSource#withFilter} so that row
 * groups whose footer statistics prove that no row can match are never read.
 *
 * <p><b>It prunes row groups; it does not filter rows.</b> The rows of every row group that might match are
 * all returned, so the consumer must still apply the predicate itself. Pruning is conservative: missing or
 * unusable statistics (no min/max, an ordering we do not trust, a literal whose type does not fit the column)
 * keep the row group.
 *
 * <p>Semantics are SQL's: a comparison, {@code between} or {@code in} is never true for a NULL value, and
 * {@code not} of such a predicate is not true for NULL either. Literals are {@code Long} (or {@code Integer},
 * normalised to {@code Long}), {@code Double}, {@link BigDecimal}, {@link String} and {@link LocalDate};
 * numeric literals compare with integer, decimal and floating-point columns by value, strings with string
 * columns by UTF-8 bytes, dates with DATE columns.
 */
public sealed interface ParquetFilter extends Serializable {

    /** Comparison operators. */
    enum Op {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** The operator that is true exactly when this one is false, for non-null operands. */
        Op negate() {
            return switch (this) {
                case EQ -> NE;
                case NE -> EQ;
                case LT -> GE;
                case LE -> GT;
                case GT -> LE;
                case GE -> LT;
            };
        }

        @Override
        public String toString() {
            return symbol;
        }
    }

    /** {@code column op literal}. */
    record Compare(String column, Op op, Object literal) implements ParquetFilter {
        public Compare {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(op, "op");
            literal = checkLiteral(literal);
        }

        @Override
        public String toString() {
            return column + " " + op + " " + quote(literal);
        }
    }

    /** {@code column IN (values...)}; NULL values in the list are not allowed. */
    record In(String column, List<Object> values) implements ParquetFilter {
        public In {
            Objects.requireNonNull(column, "column");
            List<Object> checked = new ArrayList<>(values.size());
            for (Object v : values) {
                checked.add(checkLiteral(v));
            }
            values = List.copyOf(checked);
        }

        @Override
        public String toString() {
            return column + " IN " + values.stream().map(ParquetFilter::quote).toList();
        }
    }

    record IsNull(String column) implements ParquetFilter {
        public IsNull {
            Objects.requireNonNull(column, "column");
        }

        @Override
        public String toString() {
            return column + " IS NULL";
        }
    }

    record IsNotNull(String column) implements ParquetFilter {
        public IsNotNull {
            Objects.requireNonNull(column, "column");
        }

        @Override
        public String toString() {
            return column + " IS NOT NULL";
        }
    }

    record And(List<ParquetFilter> terms) implements ParquetFilter {
        public And {
            terms = List.copyOf(terms);
        }

        @Override
        public String toString() {
            return "(" + String.join(" AND ", terms.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Or(List<ParquetFilter> terms) implements ParquetFilter {
        public Or {
            terms = List.copyOf(terms);
        }

        @Override
        public String toString() {
            return "(" + String.join(" OR ", terms.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Not(ParquetFilter term) implements ParquetFilter {
        public Not {
            Objects.requireNonNull(term, "term");
        }

        @Override
        public String toString() {
            return "NOT " + term;
        }
    }

    static ParquetFilter eq(String column, Object value) {
        return new Compare(column, Op.EQ, value);
    }

    static ParquetFilter ne(String column, Object value) {
        return new Compare(column, Op.NE, value);
    }

    static ParquetFilter lt(String column, Object value) {
        return new Compare(column, Op.LT, value);
    }

    static ParquetFilter le(String column, Object value) {
        return new Compare(column, Op.LE, value);
    }

    static ParquetFilter gt(String column, Object value) {
        return new Compare(column, Op.GT, value);
    }

    static ParquetFilter ge(String column, Object value) {
        return new Compare(column, Op.GE, value);
    }

    /** {@code low <= column AND column <= high}. */
    static ParquetFilter between(String column, Object low, Object high) {
        return and(ge(column, low), le(column, high));
    }

    static ParquetFilter in(String column, List<?> values) {
        return new In(column, new ArrayList<>(values));
    }

    static ParquetFilter isNull(String column) {
        return new IsNull(column);
    }

    static ParquetFilter isNotNull(String column) {
        return new IsNotNull(column);
    }

    static ParquetFilter and(ParquetFilter... terms) {
        return new And(List.of(terms));
    }

    static ParquetFilter or(ParquetFilter... terms) {
        return new Or(List.of(terms));
    }

    static ParquetFilter not(ParquetFilter term) {
        return new Not(term);
    }

    private static Object checkLiteral(Object literal) {
        Objects.requireNonNull(literal, "literal (use isNull/isNotNull for NULL tests)");
        if (literal instanceof Integer || literal instanceof Short || literal instanceof Byte) {
            return ((Number) literal).longValue();
        }
        if (literal instanceof Float f) {
            return f.doubleValue();
        }
        if (literal instanceof Long || literal instanceof Double || literal instanceof BigDecimal
                || literal instanceof String || literal instanceof LocalDate) {
            return literal;
        }
        throw new IllegalArgumentException("unsupported Parquet filter literal " + literal + " of "
                + literal.getClass().getName() + "; use Long, Integer, Double, BigDecimal, String or LocalDate");
    }

    private static String quote(Object literal) {
        return literal instanceof String || literal instanceof LocalDate ? "'" + literal + "'" : String.valueOf(literal);
    }
}
