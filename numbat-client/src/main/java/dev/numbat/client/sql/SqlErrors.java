package dev.numbat.client.sql;

import dev.numbat.client.Scope;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Calcite's parse and validation errors as USER_ERRORs that name the line and column, what was expected, and
 * for an unknown table or column the closest known name.
 */
final class SqlErrors {
    private static final Pattern UNKNOWN_OBJECT = Pattern.compile("(?:Object|Table) '([^']+)' not found.*");
    private static final Pattern UNKNOWN_COLUMN = Pattern.compile("Column '([^']+)' not found in .*");
    private static final int MAX_EXPECTED = 12;

    private SqlErrors() {
    }

    static NumbatException parse(SqlParseException e) {
        SqlParserPos pos = e.getPos();
        String first = firstLine(e.getMessage());
        // Calcite's first line repeats the position ("Encountered "x" at line 1, column 8."): keep what was found
        first = first.replaceFirst(" at line \\d+, column \\d+\\.?$", "");
        StringBuilder msg = new StringBuilder();
        if (pos != null) {
            msg.append("SQL syntax error at line ").append(pos.getLineNum()).append(", column ")
                    .append(pos.getColumnNum()).append(": ");
        } else {
            msg.append("SQL syntax error: ");
        }
        msg.append(first);
        Collection<String> expected = e.getExpectedTokenNames();
        if (expected != null && !expected.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String t : expected) {
                names.add(t.replace("\"", ""));
            }
            names.sort(null);
            msg.append("; expected ");
            msg.append(String.join(", ", names.subList(0, Math.min(MAX_EXPECTED, names.size()))));
            if (names.size() > MAX_EXPECTED) {
                msg.append(", ... (").append(names.size() - MAX_EXPECTED).append(" more)");
            }
        }
        return new NumbatException(ErrorCode.USER_ERROR, msg.toString(), e);
    }

    /** A validation error; {@code tables} and {@code columns} are the names to suggest from. */
    static NumbatException validation(CalciteContextException e, List<String> tables, List<String> columns) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String detail = firstLine(cause.getMessage());
        int supported = detail.indexOf(". Supported form(s)");
        if (supported >= 0) {
            detail = detail.substring(0, supported);
        }
        Matcher m = UNKNOWN_OBJECT.matcher(detail);
        if (m.matches()) {
            detail = "no table or view '" + m.group(1) + "'" + Scope.suggestion(m.group(1), tables);
        } else {
            m = UNKNOWN_COLUMN.matcher(detail);
            if (m.matches()) {
                detail = detail + Scope.suggestion(m.group(1), columns);
            }
        }
        String msg = e.getPosLine() > 0
                ? String.format("SQL error at line %d, column %d: %s", e.getPosLine(), e.getPosColumn(), detail)
                : "SQL error: " + detail;
        return new NumbatException(ErrorCode.USER_ERROR, msg, e);
    }

    static CalciteContextException findContext(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CalciteContextException cce) {
                return cce;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
