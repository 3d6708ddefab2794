package dev.numbat.core.expr;

import java.util.List;

/** AND, OR (three-valued, short-circuit by selection), NOT and the IS [NOT] NULL/TRUE/FALSE tests. */
final class LogicNodes {
    private LogicNodes() {
    }

    /**
     * AND/OR of two or more arguments. Each argument is evaluated only on the rows the earlier ones left
     * undecided: for AND the rows not yet FALSE, for OR the rows not yet TRUE.
     */
    static final class Junction extends Node {
        final boolean and;
        final Node[] args;

        Junction(boolean and, List<Node> args, boolean nullable) {
            super(Types.BOOLEAN, nullable);
            this.and = and;
            this.args = args.toArray(new Node[0]);
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            int len = ctx.rowCount;
            Col out = Col.bools(len);
            boolean[] res = out.bools;
            boolean[] nulls = null;
            int[] cur = new int[n];
            System.arraycopy(sel, 0, cur, 0, n);
            int m = n;
            for (int j = 0; j < n; j++) {
                res[sel[j]] = and;
            }
            for (Node arg : args) {
                if (m == 0) {
                    break;
                }
                Col c = arg.eval(ctx, cur, m);
                int mc = Nulls.mask(c);
                boolean[] cb = c.bools;
                boolean[] cn = c.nulls;
                int k = 0;
                for (int j = 0; j < m; j++) {
                    int i = cur[j];
                    if (cn != null && cn[i & mc]) {
                        if (nulls == null) {
                            nulls = new boolean[len];
                        }
                        nulls[i] = true;
                        cur[k++] = i;
                    } else if (cb[i & mc] != and) {
                        res[i] = !and;
                        if (nulls != null) {
                            nulls[i] = false;
                        }
                    } else {
                        cur[k++] = i;
                    }
                }
                m = k;
            }
            out.nulls = nulls;
            return out;
        }

        @Override
        int select(Ctx ctx, int[] sel, int n, int[] out) {
            if (and) {
                int k = args[0].select(ctx, sel, n, out);
                for (int a = 1; a < args.length && k > 0; a++) {
                    k = args[a].select(ctx, out, k, out);
                }
                return k;
            }
            int len = ctx.rowCount;
            boolean[] hit = new boolean[len];
            int[] rest = new int[n];
            System.arraycopy(sel, 0, rest, 0, n);
            int m = n;
            int[] tmp = new int[n];
            for (Node arg : args) {
                if (m == 0) {
                    break;
                }
                int t = arg.select(ctx, rest, m, tmp);
                if (t == 0) {
                    continue;
                }
                for (int j = 0; j < t; j++) {
                    hit[tmp[j]] = true;
                }
                int k = 0;
                for (int j = 0; j < m; j++) {
                    int i = rest[j];
                    rest[k] = i;
                    k += hit[i] ? 0 : 1;
                }
                m = k;
            }
            int k = 0;
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                out[k] = i;
                k += hit[i] ? 1 : 0;
            }
            return k;
        }
    }

    /** NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE. */
    static final class Unary extends Node {
        final Fn fn;
        final Node arg;

        Unary(Fn fn, Node arg, boolean nullable) {
            super(Types.BOOLEAN, nullable);
            this.fn = fn;
            this.arg = arg;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col c = arg.eval(ctx, sel, n);
            int len = ctx.rowCount;
            Col out = Col.bools(len);
            boolean[] r = out.bools;
            int mc = Nulls.mask(c);
            boolean[] cn = c.nulls;
            boolean[] cb = c.bools;
            if (fn == Fn.NOT) {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    r[i] = !cb[i & mc];
                }
                out.nulls = Nulls.copy(c, sel, n, len);
                return out;
            }
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                boolean isNull = cn != null && cn[i & mc];
                r[i] = switch (fn) {
                    case IS_NULL -> isNull;
                    case IS_NOT_NULL -> !isNull;
                    case IS_TRUE -> !isNull && cb[i & mc];
                    case IS_FALSE -> !isNull && !cb[i & mc];
                    case IS_NOT_TRUE -> isNull || !cb[i & mc];
                    case IS_NOT_FALSE -> isNull || cb[i & mc];
                    default -> throw new IllegalStateException(fn.toString());
                };
            }
            return out;
        }
    }
}
