package dev.numbat.core.expr;

import java.util.Arrays;

/**
 * {@code a op b} for two arguments already converted to one comparable kind (the compiler casts Int to
 * Decimal or Double, Date to Timestamp). One loop per kind; the operator is a 3-bit mask tested with the
 * sign of the comparison, and constants are read through an index mask, so column-op-literal runs the same
 * tight loop as column-op-column with no per-row branch on the operator.
 */
final class CompareNode extends Node {
    static final int LESS = 1;
    static final int EQUAL = 2;
    static final int GREATER = 4;

    final Node left;
    final Node right;
    final int mask;

    CompareNode(Node left, Node right, int mask, boolean nullable) {
        super(Types.BOOLEAN, nullable);
        this.left = left;
        this.right = right;
        this.mask = mask;
    }

    static int mask(Fn fn) {
        return switch (fn) {
            case EQ -> EQUAL;
            case NE -> LESS | GREATER;
            case LT -> LESS;
            case LE -> LESS | EQUAL;
            case GT -> GREATER;
            case GE -> GREATER | EQUAL;
            default -> throw new IllegalArgumentException(fn.toString());
        };
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col a = left.eval(ctx, sel, n);
        Col b = right.eval(ctx, sel, n);
        Col out = Col.bools(ctx.rowCount);
        out.nulls = Nulls.merge(a, b, sel, n, ctx.rowCount);
        compare(a, b, sel, n, out.bools, null);
        return out;
    }

    @Override
    int select(Ctx ctx, int[] sel, int n, int[] out) {
        Col a = left.eval(ctx, sel, n);
        Col b = right.eval(ctx, sel, n);
        boolean[] nulls = Nulls.merge(a, b, sel, n, ctx.rowCount);
        if (nulls == null) {
            return compare(a, b, sel, n, null, out);
        }
        // Drop NULL rows first, then compare the rest.
        int[] rest = new int[n];
        int m = 0;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            rest[m] = i;
            m += nulls[i] ? 0 : 1;
        }
        return compare(a, b, rest, m, null, out);
    }

    /** Writes results into {@code result[i]} when given, else the selected rows into {@code out}. */
    private int compare(Col a, Col b, int[] sel, int n, boolean[] result, int[] out) {
        int ma = Nulls.mask(a);
        int mb = Nulls.mask(b);
        int m = mask << 1; // bit (cmp + 1) for cmp in -1, 0, 1
        int k = 0;
        if (out != null && (a.kind == Col.Kind.LONG || a.kind == Col.Kind.DECIMAL) && a.big == null && b.big == null
                && a.constant != b.constant) {
            // column op literal (either side), the common filter shape: the literal in a register.
            return a.constant ? selectConst(b.longs, a.longs[0], flip(mask), sel, n, out)
                    : selectConst(a.longs, b.longs[0], mask, sel, n, out);
        }
        switch (a.kind) {
            case LONG -> {
                long[] x = a.longs;
                long[] y = b.longs;
                if (result != null) {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        result[i] = ((m >> (Long.compare(x[i & ma], y[i & mb]) + 1)) & 2) != 0;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        out[k] = i;
                        k += (m >> (Long.compare(x[i & ma], y[i & mb]) + 2)) & 1;
                    }
                }
            }
            case DECIMAL -> {
                if (a.big != null || b.big != null) {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        int c = Integer.signum(a.bigValue(i).compareTo(b.bigValue(i)));
                        k = emit(result, out, k, i, (m >> (c + 2)) & 1);
                    }
                } else {
                    long[] x = a.longs;
                    long[] y = b.longs;
                    if (result != null) {
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            result[i] = ((m >> (Long.compare(x[i & ma], y[i & mb]) + 1)) & 2) != 0;
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            out[k] = i;
                            k += (m >> (Long.compare(x[i & ma], y[i & mb]) + 2)) & 1;
                        }
                    }
                }
            }
            case DOUBLE -> {
                double[] x = a.doubles;
                double[] y = b.doubles;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    double p = x[i & ma];
                    double q = y[i & mb];
                    int c = p < q ? -1 : p > q ? 1 : p == q ? 0 : Integer.signum(Double.compare(p, q));
                    k = emit(result, out, k, i, (m >> (c + 2)) & 1);
                }
            }
            case BYTES -> {
                byte[] xd = a.data;
                byte[] yd = b.data;
                int[] xs = a.start;
                int[] xe = a.end;
                int[] ys = b.start;
                int[] ye = b.end;
                boolean eqOnly = mask == EQUAL || mask == (LESS | GREATER);
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    int ia = i & ma;
                    int ib = i & mb;
                    int c;
                    if (eqOnly) {
                        c = Arrays.equals(xd, xs[ia], xe[ia], yd, ys[ib], ye[ib]) ? 0 : 1;
                    } else {
                        c = Integer.signum(Arrays.compareUnsigned(xd, xs[ia], xe[ia], yd, ys[ib], ye[ib]));
                    }
                    k = emit(result, out, k, i, (m >> (c + 2)) & 1);
                }
            }
            case BOOL -> {
                boolean[] x = a.bools;
                boolean[] y = b.bools;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    int c = Boolean.compare(x[i & ma], y[i & mb]);
                    k = emit(result, out, k, i, (m >> (Integer.signum(c) + 2)) & 1);
                }
            }
        }
        return k;
    }

    private static int emit(boolean[] result, int[] out, int k, int i, int bit) {
        if (result != null) {
            result[i] = bit != 0;
            return k;
        }
        out[k] = i;
        return k + bit;
    }

    /** The mask of {@code b op a} for the mask of {@code a op b}. */
    private static int flip(int mask) {
        return (mask & EQUAL) | ((mask & LESS) != 0 ? GREATER : 0) | ((mask & GREATER) != 0 ? LESS : 0);
    }

    /** The rows of {@code sel} where {@code x[i] op c}, written to {@code out}; one branch-free loop per op. */
    static int selectConst(long[] x, long c, int mask, int[] sel, int n, int[] out) {
        int k = 0;
        switch (mask) {
            case LESS -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] < c ? 1 : 0;
                }
            }
            case LESS | EQUAL -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] <= c ? 1 : 0;
                }
            }
            case GREATER -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] > c ? 1 : 0;
                }
            }
            case GREATER | EQUAL -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] >= c ? 1 : 0;
                }
            }
            case EQUAL -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] == c ? 1 : 0;
                }
            }
            case LESS | GREATER -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += x[i] != c ? 1 : 0;
                }
            }
            default -> {
                // no other masks are built (mask(Fn) makes the six above)
                int m = mask << 1;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[k] = i;
                    k += (m >> (Long.compare(x[i], c) + 2)) & 1;
                }
            }
        }
        return k;
    }
}
