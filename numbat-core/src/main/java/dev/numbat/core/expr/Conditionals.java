package dev.numbat.core.expr;

import java.util.List;

/** CASE, COALESCE and NULLIF; each branch is evaluated only on the rows that reach it. */
final class Conditionals {
    private Conditionals() {
    }

    /** Copies row {@code i} of {@code src} into {@code dst} (same kind and scale; BYTES into {@code bb}). */
    static void copy(Col src, int i, Col dst, int di, ByteBuilder bb) {
        int k = src.constant ? 0 : i;
        if (src.nulls != null && src.nulls[k]) {
            dst.nulls[di] = true;
            if (bb != null) {
                dst.start[di] = bb.size;
                dst.end[di] = bb.size;
            }
            return;
        }
        switch (dst.kind) {
            case BOOL -> dst.bools[di] = src.bools[k];
            case LONG -> dst.longs[di] = src.longs[k];
            case DOUBLE -> dst.doubles[di] = src.doubles[k];
            case DECIMAL -> {
                if (src.big != null && src.big[k] != null) {
                    dst.setDecimal(di, src.big[k]);
                } else {
                    dst.longs[di] = src.longs[k];
                }
            }
            case BYTES -> {
                dst.start[di] = bb.size;
                bb.append(src.data, src.start[k], src.end[k]);
                dst.end[di] = bb.size;
            }
        }
    }

    static Col newResult(Node node, int len) {
        Col out = Col.of(node.kind(), node.scale(), len);
        out.nulls = new boolean[len];
        return out;
    }

    /** (cond1, value1, ..., [else]); the values are already cast to the result type. */
    static final class Case extends Node {
        final Node[] conds;
        final Node[] values;
        final Node otherwise; // may be null: NULL

        Case(List<Node> conds, List<Node> values, Node otherwise, org.apache.arrow.vector.types.pojo.ArrowType type,
             boolean nullable) {
            super(type, nullable);
            this.conds = conds.toArray(new Node[0]);
            this.values = values.toArray(new Node[0]);
            this.otherwise = otherwise;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            int len = ctx.rowCount;
            Col out = newResult(this, len);
            ByteBuilder bb = out.kind == Col.Kind.BYTES ? new ByteBuilder(64) : null;
            int[] rest = sel.clone();
            int m = n;
            int[] hit = new int[n];
            for (int c = 0; c < conds.length && m > 0; c++) {
                int h = conds[c].select(ctx, rest, m, hit);
                if (h > 0) {
                    Col v = values[c].eval(ctx, hit, h);
                    for (int j = 0; j < h; j++) {
                        copy(v, hit[j], out, hit[j], bb);
                    }
                    m = minus(rest, m, hit, h);
                }
            }
            if (m > 0) {
                if (otherwise == null) {
                    for (int j = 0; j < m; j++) {
                        out.nulls[rest[j]] = true;
                    }
                } else {
                    Col v = otherwise.eval(ctx, rest, m);
                    for (int j = 0; j < m; j++) {
                        copy(v, rest[j], out, rest[j], bb);
                    }
                }
            }
            if (bb != null) {
                out.data = bb.bytes();
            }
            return out;
        }
    }

    /** Removes the ascending rows {@code hit[0..h)} from the ascending {@code rest[0..m)}; returns the new size. */
    static int minus(int[] rest, int m, int[] hit, int h) {
        int k = 0;
        int p = 0;
        for (int j = 0; j < m; j++) {
            int i = rest[j];
            while (p < h && hit[p] < i) {
                p++;
            }
            if (p < h && hit[p] == i) {
                continue;
            }
            rest[k++] = i;
        }
        return k;
    }

    /** COALESCE(a, b, ...): later arguments are evaluated only on rows still NULL. */
    static final class Coalesce extends Node {
        final Node[] args;

        Coalesce(List<Node> args, org.apache.arrow.vector.types.pojo.ArrowType type, boolean nullable) {
            super(type, nullable);
            this.args = args.toArray(new Node[0]);
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            int len = ctx.rowCount;
            Col first = args[0].eval(ctx, sel, n);
            if (first.nulls == null && !first.constant || args.length == 1) {
                return first;
            }
            Col out = newResult(this, len);
            ByteBuilder bb = out.kind == Col.Kind.BYTES ? new ByteBuilder(64) : null;
            int[] rest = new int[n];
            int m = 0;
            Col v = first;
            int[] cur = sel;
            int cn = n;
            for (int a = 0; ; a++) {
                m = 0;
                for (int j = 0; j < cn; j++) {
                    int i = cur[j];
                    if (v.isNull(i) && a < args.length - 1) {
                        rest[m++] = i;
                    } else {
                        copy(v, i, out, i, bb);
                    }
                }
                if (m == 0 || a == args.length - 1) {
                    break;
                }
                cur = java.util.Arrays.copyOf(rest, m);
                cn = m;
                v = args[a + 1].eval(ctx, cur, cn);
            }
            if (bb != null) {
                out.data = bb.bytes();
            }
            return out;
        }
    }

    /** NULLIF(a, b): NULL where {@code eq} (a = b) is TRUE, else a. */
    static final class NullIf extends Node {
        final Node a;
        final Node eq;

        NullIf(Node a, Node eq, org.apache.arrow.vector.types.pojo.ArrowType type) {
            super(type, true);
            this.a = a;
            this.eq = eq;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col v = a.eval(ctx, sel, n).expand(ctx.rowCount);
            Col e = eq.eval(ctx, sel, n);
            Col out = newResult(this, ctx.rowCount);
            ByteBuilder bb = out.kind == Col.Kind.BYTES ? new ByteBuilder(64) : null;
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                if (!e.isNull(i) && e.bools[e.idx(i)]) {
                    out.nulls[i] = true;
                    if (bb != null) {
                        out.start[i] = bb.size;
                        out.end[i] = bb.size;
                    }
                } else {
                    copy(v, i, out, i, bb);
                }
            }
            if (bb != null) {
                out.data = bb.bytes();
            }
            return out;
        }
    }
}
