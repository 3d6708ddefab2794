package dev.numbat.core.expr;

import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A compiled expression node. {@link #eval} computes the value for the rows {@code sel[0 .. n)} (ascending
 * indices into the batch) and returns a column indexed by batch row; rows outside the selection are left
 * undefined, which is how AND and CASE skip work for rows that no longer matter.
 */
abstract class Node {
    final ArrowType type;
    final boolean nullable;

    Node(ArrowType type, boolean nullable) {
        this.type = type;
        this.nullable = nullable;
    }

    abstract Col eval(Ctx ctx, int[] sel, int n);

    /**
     * For BOOLEAN nodes: writes to {@code out} the rows of {@code sel[0 .. n)} where the value is TRUE, in order,
     * and returns how many. {@code out} may be the same array as {@code sel}.
     */
    int select(Ctx ctx, int[] sel, int n, int[] out) {
        Col c = eval(ctx, sel, n);
        boolean[] b = c.bools;
        boolean[] nulls = c.nulls;
        int k = 0;
        if (c.constant) {
            if (b[0] && (nulls == null || !nulls[0])) {
                System.arraycopy(sel, 0, out, 0, n);
                return n;
            }
            return 0;
        }
        if (nulls == null) {
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                out[k] = i;
                k += b[i] ? 1 : 0;
            }
        } else {
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                out[k] = i;
                k += b[i] & !nulls[i] ? 1 : 0;
            }
        }
        return k;
    }

    /** True for a literal (a constant, evaluated once). */
    boolean isConstant() {
        return false;
    }

    Col.Kind kind() {
        return Kinds.kind(type);
    }

    int scale() {
        return Kinds.scale(type);
    }

    /** A column node reads its values from the batch; used to recognise column-op-literal fast paths. */
    static final class ColumnNode extends Node {
        final int index;

        ColumnNode(int index, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.index = index;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col c = ctx.column(index);
            if (c.kind != kind()) {
                throw new IllegalStateException("column " + index + " holds " + c.kind + ", expression says " + type);
            }
            if (c.kind == Col.Kind.DECIMAL && c.scale != scale()) {
                return Decimals.rescale(c, scale(), sel, n);
            }
            return c;
        }
    }

    /** A constant value, held as a one-row constant {@link Col}. */
    static final class ConstNode extends Node {
        final Col value;

        ConstNode(Col value, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.value = value;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            return value;
        }

        @Override
        boolean isConstant() {
            return true;
        }

        boolean isNullValue() {
            return value.isNull(0);
        }
    }
}
