package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * String functions over UTF-8 bytes. Positions and lengths count characters; a value of only ASCII bytes
 * takes the byte-offset fast path. SUBSTRING and TRIM share the input's bytes (only start/end move).
 */
final class StringNodes {
    private StringNodes() {
    }

    static boolean isAscii(byte[] d, int from, int to) {
        for (int p = from; p < to; p++) {
            if (d[p] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Byte offset of the character {@code chars} characters after {@code from} (clamped to {@code to}). */
    static int advance(byte[] d, int from, int to, long chars) {
        int p = from;
        while (chars > 0 && p < to) {
            p++;
            while (p < to && (d[p] & 0xC0) == 0x80) {
                p++;
            }
            chars--;
        }
        return p;
    }

    static int charCount(byte[] d, int from, int to) {
        int c = 0;
        for (int p = from; p < to; p++) {
            c += (d[p] & 0xC0) != 0x80 ? 1 : 0;
        }
        return c;
    }

    /** SUBSTRING(s, start[, length]). */
    static final class Substring extends Node {
        final Node s;
        final Node start;
        final Node length;

        Substring(Node s, Node start, Node length, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.s = s;
            this.start = start;
            this.length = length;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = s.eval(ctx, sel, n);
            Col st = start.eval(ctx, sel, n);
            Col ln = length == null ? null : length.eval(ctx, sel, n);
            int len = ctx.rowCount;
            Col out = Col.bytes(len);
            out.data = a.data;
            out.nulls = ln == null ? Nulls.merge(a, st, sel, n, len) : Nulls.merge(new Col[] {a, st, ln}, sel, n, len);
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                if (out.nulls != null && out.nulls[i]) {
                    continue;
                }
                int k = a.idx(i);
                int from = a.start[k];
                int to = a.end[k];
                long b = st.longs[st.idx(i)];
                long e = Long.MAX_VALUE;
                if (ln != null) {
                    long l = ln.longs[ln.idx(i)];
                    if (l < 0) {
                        throw NumbatException.userError("SUBSTRING length must not be negative: %d", l);
                    }
                    e = b + l;
                }
                long lo = Math.max(b, 1);
                if (e <= lo) {
                    out.start[i] = from;
                    out.end[i] = from;
                    continue;
                }
                int ps = advance(a.data, from, to, lo - 1);
                int pe = e == Long.MAX_VALUE ? to : advance(a.data, ps, to, e - lo);
                out.start[i] = ps;
                out.end[i] = pe;
            }
            return out;
        }
    }

    /** UPPER, LOWER, TRIM, LTRIM, RTRIM, CHAR_LENGTH. */
    static final class Unary extends Node {
        final Fn fn;
        final Node arg;

        Unary(Fn fn, Node arg, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.fn = fn;
            this.arg = arg;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = arg.eval(ctx, sel, n);
            int len = ctx.rowCount;
            boolean[] nulls = Nulls.copy(a, sel, n, len);
            byte[] d = a.data;
            switch (fn) {
                case CHAR_LENGTH -> {
                    Col out = Col.longs(len);
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        int k = a.idx(i);
                        out.longs[i] = charCount(d, a.start[k], a.end[k]);
                    }
                    out.nulls = nulls;
                    return out;
                }
                case TRIM, LTRIM, RTRIM -> {
                    Col out = Col.bytes(len);
                    out.data = d;
                    boolean left = fn != Fn.RTRIM;
                    boolean right = fn != Fn.LTRIM;
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        int k = a.idx(i);
                        int from = a.start[k];
                        int to = a.end[k];
                        while (left && from < to && d[from] == ' ') {
                            from++;
                        }
                        while (right && to > from && d[to - 1] == ' ') {
                            to--;
                        }
                        out.start[i] = from;
                        out.end[i] = to;
                    }
                    out.nulls = nulls;
                    return out;
                }
                case UPPER, LOWER -> {
                    boolean upper = fn == Fn.UPPER;
                    Col out = Col.bytes(len);
                    ByteBuilder bb = new ByteBuilder(d.length);
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        int k = a.idx(i);
                        int from = a.start[k];
                        int to = a.end[k];
                        out.start[i] = bb.size;
                        if (isAscii(d, from, to)) {
                            bb.ensure(to - from);
                            byte[] buf = bb.buf;
                            int p = bb.size;
                            for (int q = from; q < to; q++) {
                                byte c = d[q];
                                if (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z') {
                                    c ^= 0x20;
                                }
                                buf[p++] = c;
                            }
                            bb.size = p;
                        } else {
                            String str = new String(d, from, to - from, StandardCharsets.UTF_8);
                            byte[] r = (upper ? str.toUpperCase(Locale.ROOT) : str.toLowerCase(Locale.ROOT))
                                    .getBytes(StandardCharsets.UTF_8);
                            bb.append(r, 0, r.length);
                        }
                        out.end[i] = bb.size;
                    }
                    out.data = bb.bytes();
                    out.nulls = nulls;
                    return out;
                }
                default -> throw new IllegalStateException(fn.toString());
            }
        }
    }

    /** CONCAT(a, b, ...), NULL if any argument is NULL. */
    static final class Concat extends Node {
        final Node[] args;

        Concat(List<Node> args, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.args = args.toArray(new Node[0]);
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col[] cols = new Col[args.length];
            for (int a = 0; a < args.length; a++) {
                cols[a] = args[a].eval(ctx, sel, n);
            }
            int len = ctx.rowCount;
            Col out = Col.bytes(len);
            out.nulls = Nulls.merge(cols, sel, n, len);
            ByteBuilder bb = new ByteBuilder(64);
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                out.start[i] = bb.size;
                if (out.nulls == null || !out.nulls[i]) {
                    for (Col c : cols) {
                        int k = c.idx(i);
                        bb.append(c.data, c.start[k], c.end[k]);
                    }
                }
                out.end[i] = bb.size;
            }
            out.data = bb.bytes();
            return out;
        }
    }

    /** POSITION(needle IN haystack) (1-based characters, 0 if absent) and STARTS_WITH(s, prefix). */
    static final class Binary extends Node {
        final Fn fn;
        final Node left;
        final Node right;

        Binary(Fn fn, Node left, Node right, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.fn = fn;
            this.left = left;
            this.right = right;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = left.eval(ctx, sel, n);
            Col b = right.eval(ctx, sel, n);
            int len = ctx.rowCount;
            boolean[] nulls = Nulls.merge(a, b, sel, n, len);
            Col out = fn == Fn.POSITION ? Col.longs(len) : Col.bools(len);
            out.nulls = nulls;
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                if (nulls != null && nulls[i]) {
                    continue;
                }
                int ka = a.idx(i);
                int kb = b.idx(i);
                if (fn == Fn.POSITION) {
                    byte[] needle = java.util.Arrays.copyOfRange(a.data, a.start[ka], a.end[ka]);
                    int p = LikeNode.indexOf(b.data, b.start[kb], b.end[kb], needle, 0);
                    out.longs[i] = p < 0 ? 0 : charCount(b.data, b.start[kb], p) + 1;
                } else {
                    int sl = a.end[ka] - a.start[ka];
                    int pl = b.end[kb] - b.start[kb];
                    out.bools[i] = sl >= pl && java.util.Arrays.equals(a.data, a.start[ka], a.start[ka] + pl,
                            b.data, b.start[kb], b.end[kb]);
                }
            }
            return out;
        }
    }
}
