package dev.numbat.cli.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at each {@code ;} that is not inside a string literal, a quoted identifier
 * or a comment. The shell feeds it what the user has typed so far to know whether a statement is complete; the
 * script runner feeds it a whole file so that one failing statement does not stop the others.
 */
public final class StatementSplitter {
    private StatementSplitter() {
    }

    /**
     * The statements of {@code text} ended by {@code ;} (without it, trimmed; statements that hold only
     * comments and blanks are dropped) and the unfinished text after the last one.
     */
    public record Split(List<String> statements, String rest, boolean restIsStatement) {
        /** True when the text so far ends inside a statement or a block comment: more input is expected. */
        public boolean incomplete() {
            return !rest.isEmpty();
        }
    }

    public static Split split(String text) {
        List<String> statements = new ArrayList<>();
        int start = 0;
        boolean content = false; // anything but blanks and comments since start
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return new Split(statements, text.substring(start).trim(), content);
                }
                i = end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                content = true;
                i = closingQuote(text, i, c);
            } else if (c == ';') {
                if (content) {
                    statements.add(text.substring(start, i).trim());
                }
                start = i + 1;
                content = false;
                i++;
            } else {
                if (!Character.isWhitespace(c)) {
                    content = true;
                }
                i++;
            }
        }
        return new Split(statements, content ? text.substring(start).trim() : "", content);
    }

    /** All statements of a script; a last statement without {@code ;} counts too. */
    public static List<String> statements(String script) {
        Split split = split(script);
        List<String> all = new ArrayList<>(split.statements());
        if (split.restIsStatement()) {
            all.add(split.rest());
        }
        return all;
    }

    /** The index after the quote closing the one at {@code open} (a doubled quote is an escaped one). */
    private static int closingQuote(String text, int open, char quote) {
        int i = open + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }
}
