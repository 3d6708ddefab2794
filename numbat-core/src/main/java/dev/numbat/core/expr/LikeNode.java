package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code s LIKE pattern [ESCAPE e]} with a literal pattern, compiled once. Patterns of the shapes
 * {@code 'abc'}, {@code 'abc%'}, {@code '%abc'} and {@code '%abc%'} run as a byte comparison or search;
 * anything else runs a backtracking wildcard matcher over the UTF-8 bytes in which {@code '_'} consumes one
 * character (a lead byte and its continuation bytes). Case-sensitive, as SQL's LIKE.
 */
final class LikeNode extends Node {
    enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, GENERAL }

    final Node arg;
    final Shape shape;
    final byte[] literal;
    /** GENERAL: the pattern as tokens, null for a run of "%", else literal bytes with "_" where anyChar is set. */
    final byte[][] tokens;
    final boolean[][] anyChar;

    LikeNode(Node arg, String pattern, String escape, boolean nullable) {
        super(Types.BOOLEAN, nullable);
        this.arg = arg;
        Character esc = null;
        if (escape != null) {
            if (escape.length() != 1) {
                throw NumbatException.userError("LIKE escape must be one character, not '%s'", escape);
            }
            esc = escape.charAt(0);
        }
        // Parse into a list of items: '%' (null), or literal text with '_' positions.
        List<Object> items = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<Boolean> wild = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (esc != null && c == esc) {
                if (i + 1 >= pattern.length()) {
                    throw NumbatException.userError("LIKE pattern '%s' ends with the escape character", pattern);
                }
                text.append(pattern.charAt(++i));
                wild.add(false);
            } else if (c == '%') {
                if (text.length() > 0) {
                    items.add(new Object[] {text.toString(), new ArrayList<>(wild)});
                    text.setLength(0);
                    wild.clear();
                }
                if (items.isEmpty() || items.get(items.size() - 1) != null) {
                    items.add(null);
                }
            } else if (c == '_') {
                text.append('_');
                wild.add(true);
            } else {
                text.append(c);
                wild.add(false);
            }
        }
        if (text.length() > 0) {
            items.add(new Object[] {text.toString(), new ArrayList<>(wild)});
        }
        boolean anyUnderscore = false;
        List<byte[]> toks = new ArrayList<>();
        List<boolean[]> anys = new ArrayList<>();
        for (Object it : items) {
            if (it == null) {
                toks.add(null);
                anys.add(null);
                continue;
            }
            Object[] pair = (Object[]) it;
            String t = (String) pair[0];
            @SuppressWarnings("unchecked")
            List<Boolean> w = (List<Boolean>) pair[1];
            // Encode char by char so '_' positions map to byte positions.
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            List<Boolean> byteWild = new ArrayList<>();
            int ci = 0;
            for (int k = 0; k < t.length(); ci++) {
                int cp = t.codePointAt(k);
                int cl = Character.charCount(cp);
                boolean isWild = w.get(ci);
                if (cl == 2) {
                    ci++; // surrogate pair: two chars in the wild list
                }
                byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                if (isWild) {
                    anyUnderscore = true;
                    bytes.write('_');
                    byteWild.add(true);
                } else {
                    bytes.writeBytes(enc);
                    for (int q = 0; q < enc.length; q++) {
                        byteWild.add(false);
                    }
                }
                k += cl;
            }
            toks.add(bytes.toByteArray());
            boolean[] a = new boolean[byteWild.size()];
            for (int q = 0; q < a.length; q++) {
                a[q] = byteWild.get(q);
            }
            anys.add(a);
        }
        this.tokens = toks.toArray(new byte[0][]);
        this.anyChar = anys.toArray(new boolean[0][]);
        int n = tokens.length;
        if (anyUnderscore || n > 3) {
            shape = Shape.GENERAL;
            literal = null;
        } else if (n == 0) {
            shape = Shape.EXACT;
            literal = new byte[0];
        } else if (n == 1) {
            shape = tokens[0] == null ? Shape.PREFIX : Shape.EXACT;
            literal = tokens[0] == null ? new byte[0] : tokens[0];
        } else if (n == 2) {
            shape = tokens[0] == null ? Shape.SUFFIX : Shape.PREFIX;
            literal = tokens[0] == null ? tokens[1] : tokens[0];
        } else if (tokens[0] == null && tokens[2] == null) {
            shape = Shape.CONTAINS;
            literal = tokens[1];
        } else {
            shape = Shape.GENERAL;
            literal = null;
        }
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col s = arg.eval(ctx, sel, n);
        Col out = Col.bools(ctx.rowCount);
        out.nulls = Nulls.copy(s, sel, n, ctx.rowCount);
        int ms = Nulls.mask(s);
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            int k = i & ms;
            out.bools[i] = matches(s.data, s.start[k], s.end[k]);
        }
        return out;
    }

    @Override
    int select(Ctx ctx, int[] sel, int n, int[] out) {
        Col s = arg.eval(ctx, sel, n);
        int ms = Nulls.mask(s);
        boolean[] nulls = s.nulls;
        int k = 0;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            int r = i & ms;
            if ((nulls == null || !nulls[r]) && matches(s.data, s.start[r], s.end[r])) {
                out[k++] = i;
            }
        }
        return k;
    }

    boolean matches(byte[] d, int from, int to) {
        byte[] lit = literal;
        int len = to - from;
        switch (shape) {
            case EXACT:
                return len == lit.length && java.util.Arrays.equals(d, from, to, lit, 0, lit.length);
            case PREFIX:
                return len >= lit.length && java.util.Arrays.equals(d, from, from + lit.length, lit, 0, lit.length);
            case SUFFIX:
                return len >= lit.length && java.util.Arrays.equals(d, to - lit.length, to, lit, 0, lit.length);
            case CONTAINS:
                return indexOf(d, from, to, lit, 0) >= 0;
            default:
                return general(d, from, to, 0);
        }
    }

    /** First index >= from of {@code needle} in {@code d[from..to)} starting at {@code skip}, or -1. */
    static int indexOf(byte[] d, int from, int to, byte[] needle, int skip) {
        int nl = needle.length;
        if (nl == 0) {
            return from;
        }
        byte first = needle[0];
        int last = to - nl;
        for (int p = from; p <= last; p++) {
            if (d[p] == first && java.util.Arrays.equals(d, p + 1, p + nl, needle, 1, nl)) {
                return p;
            }
        }
        return -1;
    }

    /** Matches tokens[t..] against d[from..to). */
    private boolean general(byte[] d, int from, int to, int t) {
        if (t == tokens.length) {
            return from == to;
        }
        byte[] tok = tokens[t];
        if (tok == null) {
            if (t + 1 == tokens.length) {
                return true;
            }
            // '%': try every character boundary.
            for (int p = from; p <= to; p++) {
                if (p < to && (d[p] & 0xC0) == 0x80) {
                    continue;
                }
                if (general(d, p, to, t + 1)) {
                    return true;
                }
            }
            return false;
        }
        int end = matchToken(d, from, to, tok, anyChar[t]);
        return end >= 0 && general(d, end, to, t + 1);
    }

    /** Matches one literal token (with '_' wildcards) at {@code from}; returns the end position or -1. */
    private static int matchToken(byte[] d, int from, int to, byte[] tok, boolean[] any) {
        int p = from;
        for (int q = 0; q < tok.length; q++) {
            if (p >= to) {
                return -1;
            }
            if (any[q]) {
                p++;
                while (p < to && (d[p] & 0xC0) == 0x80) {
                    p++;
                }
            } else if (d[p++] != tok[q]) {
                return -1;
            }
        }
        return p;
    }
}
