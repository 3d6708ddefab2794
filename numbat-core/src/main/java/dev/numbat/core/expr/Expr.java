package dev.numbat.core.expr;

import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A scalar expression over the columns of one input batch, fully typed: every node carries its Arrow result
 * type and nullability, decided by whoever built it (the planner, following Calcite's type derivation), so
 * evaluation never guesses. Immutable.
 *
 * <p>Types: {@code Bool}, {@code Int(32)}, {@code Int(64)}, {@code FloatingPoint(DOUBLE)},
 * {@code Decimal(p, s, 128)}, {@code Utf8}, {@code Date(DAY)}, {@code Timestamp(MICROSECOND, null)}, and the
 * interval types {@code Interval(DAY_TIME)} / {@code Interval(YEAR_MONTH)} for literals in date arithmetic.
 * See {@link Types} for constants.
 *
 * <p>Not {@code Serializable} itself (Arrow's types are not): what ships an expression wraps it in
 * {@link SerializableExpr}, which carries the types as Arrow's JSON.
 */
public sealed interface Expr permits Expr.Column, Expr.Literal, Expr.Call {

    ArrowType type();

    boolean nullable();

    /** Column {@code index} of the input batch. */
    record Column(int index, ArrowType type, boolean nullable) implements Expr {
        public Column {
            Objects.requireNonNull(type, "type");
            if (index < 0) {
                throw new IllegalArgumentException("column index must not be negative: " + index);
            }
        }
    }

    /**
     * A constant. Values by type: {@code null} (any type), Boolean, Long (Int 32/64), Double, BigDecimal
     * (Decimal; its scale equals the type's), String (Utf8), LocalDate (Date), LocalDateTime (Timestamp),
     * java.time.Duration (Interval DAY_TIME), java.time.Period (Interval YEAR_MONTH).
     */
    record Literal(Object value, ArrowType type) implements Expr {
        public Literal {
            Objects.requireNonNull(type, "type");
        }

        @Override
        public boolean nullable() {
            return value == null;
        }
    }

    /** A function applied to arguments; see {@link Fn} for each function's arguments. */
    record Call(Fn fn, List<Expr> args, ArrowType type, boolean nullable) implements Expr {
        public Call {
            Objects.requireNonNull(fn, "fn");
            Objects.requireNonNull(type, "type");
            args = List.copyOf(args);
        }
    }
}
