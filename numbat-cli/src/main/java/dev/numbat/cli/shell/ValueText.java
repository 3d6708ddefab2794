package dev.numbat.cli.shell;

import dev.numbat.core.batch.Values;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes single values (as {@link Values#get} returns them) as CSV fields, JSON values and table cells.
 * Dates and timestamps are ISO-8601 everywhere; decimals are written in plain notation.
 */
final class ValueText {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

    private ValueText() {
    }

    /** An RFC 4180 field: NULL is empty, the empty string is {@code ""}, and fields holding separators are quoted. */
    static void csv(StringBuilder out, Object value) {
        if (value == null) {
            return;
        }
        String s = plain(value);
        if (s.isEmpty() || needsQuotes(s)) {
            out.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else {
            out.append(s);
        }
    }

    /** Quoted when RFC 4180 asks for it, and when blanks at either end would be lost to trimming readers. */
    private static boolean needsQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1));
    }

    /** A JSON value: numbers and booleans as such (NaN and infinities as strings), dates as ISO strings. */
    static void json(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                jsonString(out, value.toString());
            }
        } else if (value instanceof Number n) {
            out.append(n);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                json(out, normalise(list.get(i)));
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                jsonString(out, String.valueOf(e.getKey()));
                out.append(':');
                json(out, normalise(e.getValue()));
            }
            out.append('}');
        } else {
            jsonString(out, plain(value));
        }
    }

    static void jsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A one-line table cell: NULL shown as such, line breaks and tabs made visible. */
    static String cell(Object value) {
        if (value == null) {
            return "NULL";
        }
        String s = value instanceof byte[] ? Values.format(value) : plain(value);
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\t') >= 0) {
            s = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        }
        return s;
    }

    /** The text of a non-null value without quoting. */
    static String plain(Object value) {
        if (value instanceof LocalDateTime t) {
            return TIMESTAMP.format(t);
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return Values.format(value);
    }

    /** Values nested in lists and structs arrive as Arrow's own types (Text, ...): make them plain. */
    private static Object normalise(Object value) {
        if (value instanceof org.apache.arrow.vector.util.Text t) {
            return t.toString();
        }
        return value;
    }
}
