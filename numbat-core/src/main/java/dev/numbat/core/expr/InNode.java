package dev.numbat.core.expr;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code a IN (v1, v2, ...)} with literal values, already converted to a's comparison type. Numbers are
 * looked up in a sorted primitive array (binary search), strings by a linear scan of the byte strings (TPC-H
 * lists are short) or a hash set for long lists. NULL semantics: NULL when {@code a} is NULL, or when no value
 * matches and the list holds a NULL.
 */
final class InNode extends Node {
    final Node arg;
    final Col.Kind kind;
    final long[] longs;
    final double[] doubles;
    final Set<BigInteger> bigs;
    final byte[][] strings;
    final Set<String> stringSet;
    final boolean listHasNull;

    InNode(Node arg, List<Col> values, boolean nullable) {
        super(Types.BOOLEAN, nullable);
        this.arg = arg;
        this.kind = arg.kind();
        boolean hasNull = false;
        List<Col> present = new ArrayList<>();
        for (Col c : values) {
            if (c.isNull(0)) {
                hasNull = true;
            } else {
                present.add(c);
            }
        }
        this.listHasNull = hasNull;
        int n = present.size();
        long[] l = null;
        double[] d = null;
        Set<BigInteger> b = null;
        byte[][] s = null;
        Set<String> ss = null;
        switch (kind) {
            case LONG, BOOL -> {
                l = new long[n];
                for (int i = 0; i < n; i++) {
                    Col c = present.get(i);
                    l[i] = c.kind == Col.Kind.BOOL ? (c.bools[0] ? 1 : 0) : c.longs[0];
                }
                Arrays.sort(l);
            }
            case DECIMAL -> {
                List<Long> small = new ArrayList<>();
                b = new HashSet<>();
                for (Col c : present) {
                    if (c.isBig(0)) {
                        b.add(c.bigValue(0));
                    } else {
                        small.add(c.longs[0]);
                    }
                }
                l = small.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            case DOUBLE -> {
                d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = present.get(i).doubles[0];
                }
                Arrays.sort(d);
            }
            case BYTES -> {
                s = new byte[n][];
                for (int i = 0; i < n; i++) {
                    Col c = present.get(i);
                    s[i] = Arrays.copyOfRange(c.data, c.start[0], c.end[0]);
                }
                if (n > 16) {
                    ss = new HashSet<>();
                    for (Col c : present) {
                        ss.add(c.string(0));
                    }
                }
            }
        }
        this.longs = l;
        this.doubles = d;
        this.bigs = b;
        this.strings = s;
        this.stringSet = ss;
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col a = arg.eval(ctx, sel, n);
        int len = ctx.rowCount;
        Col out = Col.bools(len);
        boolean[] nulls = Nulls.copy(a, sel, n, len);
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            if (nulls != null && nulls[i]) {
                continue;
            }
            boolean hit = contains(a, a.idx(i));
            out.bools[i] = hit;
            if (!hit && listHasNull) {
                if (nulls == null) {
                    nulls = new boolean[len];
                }
                nulls[i] = true;
            }
        }
        out.nulls = nulls;
        return out;
    }

    @Override
    int select(Ctx ctx, int[] sel, int n, int[] out) {
        Col a = arg.eval(ctx, sel, n);
        int k = 0;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            int r = a.idx(i);
            if ((a.nulls == null || !a.nulls[r]) && contains(a, r)) {
                out[k++] = i;
            }
        }
        return k;
    }

    private boolean contains(Col a, int r) {
        switch (kind) {
            case LONG:
                return Arrays.binarySearch(longs, a.longs[r]) >= 0;
            case BOOL:
                return Arrays.binarySearch(longs, a.bools[r] ? 1 : 0) >= 0;
            case DECIMAL:
                if (a.big != null && a.big[r] != null) {
                    return bigs.contains(a.big[r]);
                }
                return Arrays.binarySearch(longs, a.longs[r]) >= 0;
            case DOUBLE:
                return Arrays.binarySearch(doubles, a.doubles[r]) >= 0;
            default:
                if (stringSet != null) {
                    return stringSet.contains(a.string(r));
                }
                int from = a.start[r];
                int to = a.end[r];
                int len = to - from;
                for (byte[] s : strings) {
                    if (s.length == len && Arrays.equals(a.data, from, to, s, 0, len)) {
                        return true;
                    }
                }
                return false;
        }
    }
}
