package dev.numbat.client.sql;

import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SQL tokenizer: enough to recognise Numbat's own commands (DDL, SHOW, DESCRIBE, EXPLAIN) in front of
 * Calcite's parser and to split scripts on {@code ;}. Comments ({@code --} to end of line, {@code /* *\/}) and
 * white space are skipped; string literals ({@code '...'}, with {@code ''} for a quote) and quoted identifiers
 * ({@code "..."}, {@code `...`}) are single tokens.
 */
final class SqlLexer {
    enum Kind { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, SYMBOL }

    /** One token: its kind, its text (unquoted for strings and quoted identifiers) and where it starts and ends. */
    record Token(Kind kind, String text, int start, int end) {
        boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        boolean isSymbol(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private SqlLexer() {
    }

    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                int start = i;
                StringBuilder text = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == c) {
                        if (i + 1 < n && sql.charAt(i + 1) == c) {
                            text.append(c);
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    text.append(d);
                    i++;
                }
                if (!closed) {
                    int[] lc = lineColumn(sql, start);
                    throw NumbatException.userError("SQL error at line %d, column %d: unterminated %s", lc[0], lc[1],
                            c == '\'' ? "string literal" : "quoted identifier");
                }
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_IDENTIFIER, text.toString(), start, i));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), start, i));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), start, i));
            } else {
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        return tokens;
    }

    /**
     * The statements of {@code script}, split on {@code ;} outside string literals, quoted identifiers and
     * comments. Each is returned with the script text before it blanked out (newlines kept), so that line and
     * column numbers in errors are those of the script. Statements with nothing but comments are skipped.
     */
    static List<String> splitStatements(String script) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = script.length();
        int start = 0;
        while (i <= n) {
            char c = i < n ? script.charAt(i) : ';';
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int close = script.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                i++;
                while (i < n && script.charAt(i) != c) {
                    i++;
                }
                i = Math.min(i + 1, n);
                continue;
            }
            if (c == ';') {
                String statement = blank(script.substring(0, start)) + script.substring(start, Math.min(i, n));
                if (!tokenize(statement).isEmpty()) {
                    out.add(statement);
                }
                start = i + 1;
            }
            i++;
        }
        return out;
    }

    /** {@code text} with every character but newlines replaced by a space. */
    static String blank(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            b.append(text.charAt(i) == '\n' ? '\n' : ' ');
        }
        return b.toString();
    }

    /** The 1-based line and column of offset {@code pos}. */
    static int[] lineColumn(String sql, int pos) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
