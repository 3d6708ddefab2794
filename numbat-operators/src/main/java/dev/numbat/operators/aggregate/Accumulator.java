package dev.numbat.operators.aggregate;

import dev.numbat.core.NumbatException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The running state of one aggregate call for every group, in primitive arrays indexed by group id. The
 * operator first maps a whole batch to group ids, then calls {@link #add} (raw input, SINGLE and PARTIAL
 * mode) or {@link #merge} (partial states, FINAL mode) once per batch; implementations loop over the rows
 * reading Arrow buffers directly, without boxing.
 *
 * <p>The partial state of a call is one or more columns ({@link #stateFields}, named {@code <name>$<part>});
 * {@link #writeState} emits them and {@link #merge} reads them back, so partial results from any number of
 * channels combine exactly as if one channel had seen all rows.
 */
abstract class Accumulator {
    static final ArrowType BIGINT = new ArrowType.Int(64, true);
    static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

    final AggregateCall call;
    /** The argument column of the input (null for count(*)). */
    final Field arg;

    Accumulator(AggregateCall call, Field arg) {
        this.call = call;
        this.arg = arg;
    }

    /** The partial-state columns this call contributes to a PARTIAL output, in order. */
    abstract List<Field> stateFields();

    /** The result column of this call in SINGLE and FINAL output. */
    abstract Field resultField();

    /** Makes room for group ids {@code 0 .. groups-1}; new groups start empty. */
    abstract void ensureCapacity(int groups);

    /** Folds rows {@code 0..rowCount} of the argument column into the groups {@code groups[row]}. */
    abstract void add(FieldVector argument, int[] groups, int rowCount);

    /** Folds partial states (columns {@code state[at ..]}, as {@link #stateFields}) into the groups. */
    abstract void merge(List<FieldVector> state, int at, int[] groups, int rowCount);

    /** Writes the states of groups {@code from .. from+count} into {@code out[at ..]} (unallocated vectors). */
    abstract void writeState(List<FieldVector> out, int at, int from, int count);

    /** Writes the results of groups {@code from .. from+count} into {@code out} (an unallocated vector). */
    abstract void writeResult(FieldVector out, int from, int count);

    /** Frees the state. */
    abstract void clear();

    /** Creates the accumulator for {@code call} over {@code argField}, or a USER_ERROR for a bad type. */
    static Accumulator create(AggregateCall call, Field argField) {
        AggregateFunction f = call.function();
        if (f == AggregateFunction.COUNT_STAR || f == AggregateFunction.COUNT) {
            return new CountAccumulator(call, argField);
        }
        ColumnKind kind = ColumnKind.of(argField);
        boolean numeric = kind.isIntegral() || kind.isFloating() || kind == ColumnKind.DECIMAL;
        return switch (f) {
            case SUM, AVG -> {
                if (!numeric) {
                    throw notDefined(call, argField);
                }
                yield kind.isFloating() ? new SumAccumulator.OfDouble(call, argField, kind)
                        : new SumAccumulator.OfInt128(call, argField, kind);
            }
            case MIN, MAX -> MinMaxAccumulator.create(call, argField, kind);
            case VAR_SAMP, VAR_POP, STDDEV_SAMP, STDDEV_POP -> {
                if (!numeric) {
                    throw notDefined(call, argField);
                }
                yield new VarianceAccumulator(call, argField, kind);
            }
            case COUNT_DISTINCT -> new CountDistinctAccumulator(call, argField);
            default -> throw new IllegalStateException("unexpected function " + f);
        };
    }

    static NumbatException notDefined(AggregateCall call, Field argField) {
        return NumbatException.userError("%s is not defined for column '%s' of type %s",
                call.function().sqlName(), argField.getName(), argField.getType());
    }

    // ------------------------------------------------------------------ helpers for subclasses

    Field stateField(String part, ArrowType type, boolean nullable) {
        return new Field(call.name() + "$" + part,
                nullable ? FieldType.nullable(type) : FieldType.notNullable(type), null);
    }

    Field result(ArrowType type, boolean nullable) {
        return new Field(call.name(), nullable ? FieldType.nullable(type) : FieldType.notNullable(type), null);
    }

    /** {@code call(arg)} for error messages, e.g. {@code sum(l_quantity)}. */
    String describe() {
        return call.function().sqlName() + "(" + (arg == null ? "*" : arg.getName()) + ")";
    }

    static int newLength(int have, int need) {
        return Math.max(need, Math.max(16, have + (have >> 1)));
    }

    static long[] grow(long[] a, int groups) {
        return groups <= a.length ? a : Arrays.copyOf(a, newLength(a.length, groups));
    }

    static double[] grow(double[] a, int groups) {
        return groups <= a.length ? a : Arrays.copyOf(a, newLength(a.length, groups));
    }

    static boolean[] grow(boolean[] a, int groups) {
        return groups <= a.length ? a : Arrays.copyOf(a, newLength(a.length, groups));
    }

    static void writeBigints(FieldVector out, long[] values, int from, int count) {
        ColumnKind.allocateFixed(out, count);
        for (int i = 0; i < count; i++) {
            ColumnKind.writeLongLike(ColumnKind.INT64, out, i, values[from + i]);
        }
        out.setValueCount(count);
    }

    static void writeDoubles(FieldVector out, double[] values, int from, int count) {
        ColumnKind.allocateFixed(out, count);
        for (int i = 0; i < count; i++) {
            ColumnKind.writeDouble(ColumnKind.FLOAT8, out, i, values[from + i]);
        }
        out.setValueCount(count);
    }
}
