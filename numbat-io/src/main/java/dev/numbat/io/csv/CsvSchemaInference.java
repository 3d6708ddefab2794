package dev.numbat.io.csv;

import dev.numbat.core.NumbatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Guesses a schema from the first lines of a CSV file, the way DuckDB's sniffer picks column types: each
 * column gets the first of BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP that every non-null sampled value
 * parses as, else VARCHAR (also for a column with no non-null value). Names come from the header, or are
 * {@code column0, column1, ...} without one. Rows whose field count differs from the first are ignored
 * here; reading reports them.
 */
final class CsvSchemaInference {
    private CsvSchemaInference() {
    }

    static Schema infer(Path file, CsvOptions options) {
        byte[] nullBytes = options.nullBytes();
        CsvValueParser parser = new CsvValueParser();
        try (CsvTokenizer t = new CsvTokenizer(file, 0, Long.MAX_VALUE, options, 1 << 20)) {
            List<String> names = null;
            if (options.header()) {
                int status = t.next();
                if (status == CsvTokenizer.ROW) {
                    int n = fieldsOf(t, options);
                    names = new ArrayList<>(n);
                    for (int f = 0; f < n; f++) {
                        if ((t.fieldFlags[f] & CsvTokenizer.ESCAPED) != 0) {
                            t.unescape(f);
                        }
                        names.add(new String(t.buf, t.fieldStart[f], t.fieldEnd[f] - t.fieldStart[f],
                                StandardCharsets.UTF_8));
                    }
                } else if (status != CsvTokenizer.END) {
                    throw NumbatException.userError("%s line 1: cannot read the CSV header (bad quoting)", file);
                }
            }
            int columns = names == null ? -1 : names.size();
            // Per column: which candidate types are still possible, and whether any value was non-null.
            boolean[] canBool = null;
            boolean[] canLong = null;
            boolean[] canDouble = null;
            boolean[] canDate = null;
            boolean[] canTimestamp = null;
            boolean[] seen = null;
            int sampled = 0;
            while (sampled < options.inferenceRows()) {
                int status = t.next();
                if (status == CsvTokenizer.END) {
                    break;
                }
                if (status != CsvTokenizer.ROW) {
                    t.skipMalformed();
                    continue;
                }
                int n = fieldsOf(t, options);
                if (columns < 0) {
                    columns = n;
                }
                if (n != columns) {
                    continue;
                }
                if (canBool == null) {
                    canBool = filled(columns);
                    canLong = filled(columns);
                    canDouble = filled(columns);
                    canDate = filled(columns);
                    canTimestamp = filled(columns);
                    seen = new boolean[columns];
                }
                sampled++;
                byte[] b = t.buf;
                for (int c = 0; c < columns; c++) {
                    int s = t.fieldStart[c];
                    int e = t.fieldEnd[c];
                    if ((t.fieldFlags[c] & CsvTokenizer.ESCAPED) != 0) {
                        e = t.unescape(c);
                    }
                    boolean quoted = (t.fieldFlags[c] & CsvTokenizer.QUOTED) != 0;
                    if (s == e || (!quoted && equal(b, s, e, nullBytes))) {
                        continue;
                    }
                    seen[c] = true;
                    canBool[c] &= CsvValueParser.isStrictBoolean(b, s, e);
                    canLong[c] &= !canBool[c] && parser.parseLong(b, s, e);
                    canDouble[c] &= !canBool[c] && parser.parseDouble(b, s, e);
                    canDate[c] &= parser.parseDate(b, s, e);
                    canTimestamp[c] &= parser.parseTimestamp(b, s, e);
                }
            }
            if (columns < 0) {
                throw NumbatException.userError("cannot infer the columns of CSV file %s: it has no lines", file);
            }
            List<Field> fields = new ArrayList<>(columns);
            Set<String> used = new HashSet<>();
            for (int c = 0; c < columns; c++) {
                String name = names == null || names.get(c).isEmpty() ? "column" + c : names.get(c);
                String unique = name;
                for (int k = 1; !used.add(unique); k++) {
                    unique = name + "_" + k;
                }
                CsvColumnType type = CsvColumnType.VARCHAR;
                if (seen != null && seen[c]) {
                    type = canBool[c] ? CsvColumnType.BOOLEAN
                            : canLong[c] ? CsvColumnType.BIGINT
                            : canDouble[c] ? CsvColumnType.DOUBLE
                            : canDate[c] ? CsvColumnType.DATE
                            : canTimestamp[c] ? CsvColumnType.TIMESTAMP
                            : CsvColumnType.VARCHAR;
                }
                fields.add(new Field(unique, FieldType.nullable(type.arrowType()), null));
            }
            return new Schema(fields);
        }
    }

    /** The number of fields of the current row, not counting the empty one a trailing delimiter makes. */
    private static int fieldsOf(CsvTokenizer t, CsvOptions options) {
        int n = t.fieldCount;
        if (options.trailingDelimiter() && n > 1 && t.fieldStart[n - 1] == t.fieldEnd[n - 1]
                && t.fieldFlags[n - 1] == 0) {
            n--;
        }
        return n;
    }

    private static boolean[] filled(int n) {
        boolean[] a = new boolean[n];
        java.util.Arrays.fill(a, true);
        return a;
    }

    private static boolean equal(byte[] b, int s, int e, byte[] word) {
        if (e - s != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[s + i] != word[i]) {
                return false;
            }
        }
        return true;
    }
}
