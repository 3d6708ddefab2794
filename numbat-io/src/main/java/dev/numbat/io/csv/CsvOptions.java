package dev.numbat.io.csv;

import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * How to read CSV files: dialect, null marker, schema (explicit or inferred), error policy and batching.
 * Immutable and serializable (the explicit schema travels as Arrow JSON); change it with the {@code withXxx}
 * methods, each of which returns a copy:
 *
 * <pre>{@code
 * CsvOptions tbl = CsvOptions.defaults().withHeader(false).withDelimiter('|').withTrailingDelimiter(true);
 * }</pre>
 *
 * <p>Delimiter, quote and escape are single bytes (ASCII), which is what lets the reader scan bytes rather
 * than decoded characters; the data itself is read as UTF-8.
 */
public final class CsvOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default rows per batch. */
    public static final int DEFAULT_BATCH_ROWS = 65_536;
    /** Default smallest byte range a file is cut into when it is split (unless the file is smaller). */
    public static final long DEFAULT_MIN_SPLIT_BYTES = 4L << 20;
    /** Default number of data lines the schema inference samples from the start of the first file. */
    public static final int DEFAULT_INFERENCE_ROWS = 10_000;

    private final boolean header;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final String nullString;
    private final String schemaJson; // null: infer
    private final boolean skipMalformedRows;
    private final int batchRows;
    private final boolean allowQuotedNewlines;
    private final boolean trailingDelimiter;
    private final long minSplitBytes;
    private final int inferenceRows;
    private transient Schema schema;

    private CsvOptions(boolean header, byte delimiter, byte quote, byte escape, String nullString,
            String schemaJson, boolean skipMalformedRows, int batchRows, boolean allowQuotedNewlines,
            boolean trailingDelimiter, long minSplitBytes, int inferenceRows) {
        this.header = header;
        this.delimiter = delimiter;
        this.quote = quote;
        this.escape = escape;
        this.nullString = Objects.requireNonNull(nullString, "nullString");
        this.schemaJson = schemaJson;
        this.skipMalformedRows = skipMalformedRows;
        this.batchRows = batchRows;
        this.allowQuotedNewlines = allowQuotedNewlines;
        this.trailingDelimiter = trailingDelimiter;
        this.minSplitBytes = minSplitBytes;
        this.inferenceRows = inferenceRows;
        if (delimiter == quote) {
            throw NumbatException.userError("CSV delimiter and quote must differ (both are '%c')", (char) delimiter);
        }
        if (escape == delimiter) {
            throw NumbatException.userError("CSV escape and delimiter must differ (both are '%c')", (char) delimiter);
        }
        if (delimiter == '\n' || delimiter == '\r' || quote == '\n' || quote == '\r' || escape == '\n'
                || escape == '\r') {
            throw NumbatException.userError("CSV delimiter, quote and escape cannot be line-end characters");
        }
        if (batchRows < 1) {
            throw NumbatException.userError("CSV batch size must be at least 1 row, got %d", batchRows);
        }
        if (minSplitBytes < 1) {
            throw NumbatException.userError("CSV minimum split size must be positive, got %d", minSplitBytes);
        }
        if (inferenceRows < 1) {
            throw NumbatException.userError("CSV inference sample must be at least 1 row, got %d", inferenceRows);
        }
    }

    /** Header line, ',' delimiter, '"' quote and escape ("" is a quote), empty unquoted field is NULL, inferred schema. */
    public static CsvOptions defaults() {
        return new CsvOptions(true, (byte) ',', (byte) '"', (byte) '"', "", null, false, DEFAULT_BATCH_ROWS, false,
                false, DEFAULT_MIN_SPLIT_BYTES, DEFAULT_INFERENCE_ROWS);
    }

    private static byte ascii(char c, String what) {
        if (c == 0 || c > 127) {
            throw NumbatException.userError("CSV %s must be a single ASCII character, got '%c'", what, c);
        }
        return (byte) c;
    }

    /** Whether the first line of every file is a header (names the columns when inferring; always skipped). */
    public CsvOptions withHeader(boolean header) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    public CsvOptions withDelimiter(char delimiter) {
        return new CsvOptions(header, ascii(delimiter, "delimiter"), quote, escape, nullString, schemaJson,
                skipMalformedRows, batchRows, allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** Sets the quote character; the escape follows it when it was equal to the old quote (the "" style). */
    public CsvOptions withQuote(char quote) {
        byte q = ascii(quote, "quote");
        byte e = escape == this.quote ? q : escape;
        return new CsvOptions(header, delimiter, q, e, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /**
     * The character that makes the next character inside quotes literal. Equal to the quote (the default)
     * means a doubled quote stands for one quote; {@code '\\'} gives the backslash style.
     */
    public CsvOptions withEscape(char escape) {
        return new CsvOptions(header, delimiter, quote, ascii(escape, "escape"), nullString, schemaJson,
                skipMalformedRows, batchRows, allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** An unquoted field equal to this string is NULL (default: the empty string). Quoted fields never are. */
    public CsvOptions withNullString(String nullString) {
        return new CsvOptions(header, delimiter, quote, escape, Objects.requireNonNull(nullString, "nullString"),
                schemaJson, skipMalformedRows, batchRows, allowQuotedNewlines, trailingDelimiter, minSplitBytes,
                inferenceRows);
    }

    /**
     * Reads with this schema instead of inferring one: one field per CSV column, in order. Supported types:
     * Int(32|64, signed), FloatingPoint(DOUBLE), Decimal(p, s, 128), Utf8, Bool, Date(DAY),
     * Timestamp(MICROSECOND, no time zone). {@code null} goes back to inference.
     */
    public CsvOptions withSchema(Schema schema) {
        if (schema != null) {
            CsvColumnType.validate(schema);
        }
        return new CsvOptions(header, delimiter, quote, escape, nullString, schema == null ? null : schema.toJson(),
                skipMalformedRows, batchRows, allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** When true a malformed row is dropped and counted ({@code SplitReader.rowsSkipped()}); else it fails the read. */
    public CsvOptions withSkipMalformedRows(boolean skip) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skip, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** Most rows per emitted batch (a batch also ends after about 32 MB of input, to bound memory on wide rows). */
    public CsvOptions withBatchRows(int batchRows) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /**
     * Allows line breaks inside quoted fields. A reader that starts mid-file cannot then tell a line start
     * from a newline inside quotes, so each file becomes a single split.
     */
    public CsvOptions withAllowQuotedNewlines(boolean allow) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allow, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** Every line ends with one extra delimiter (TPC-H {@code .tbl} files): the empty last field is ignored. */
    public CsvOptions withTrailingDelimiter(boolean trailing) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailing, minSplitBytes, inferenceRows);
    }

    /** Files are not cut into byte ranges smaller than this (mainly for tests, which want many small splits). */
    public CsvOptions withMinSplitBytes(long minSplitBytes) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    /** How many data lines at the start of the first file schema inference looks at. */
    public CsvOptions withInferenceRows(int rows) {
        return new CsvOptions(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, rows);
    }

    public boolean header() {
        return header;
    }

    public char delimiter() {
        return (char) delimiter;
    }

    public char quote() {
        return (char) quote;
    }

    public char escape() {
        return (char) escape;
    }

    public String nullString() {
        return nullString;
    }

    byte[] nullBytes() {
        return nullString.getBytes(StandardCharsets.UTF_8);
    }

    /** The explicit schema, or {@code null} when the schema is inferred. */
    public Schema schema() {
        if (schemaJson == null) {
            return null;
        }
        Schema s = schema;
        if (s == null) {
            try {
                s = Schema.fromJSON(schemaJson);
            } catch (IOException e) {
                throw NumbatException.internal("cannot read back CSV schema " + schemaJson, e);
            }
            schema = s;
        }
        return s;
    }

    public boolean skipMalformedRows() {
        return skipMalformedRows;
    }

    public int batchRows() {
        return batchRows;
    }

    public boolean allowQuotedNewlines() {
        return allowQuotedNewlines;
    }

    public boolean trailingDelimiter() {
        return trailingDelimiter;
    }

    public long minSplitBytes() {
        return minSplitBytes;
    }

    public int inferenceRows() {
        return inferenceRows;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvOptions c && header == c.header && delimiter == c.delimiter && quote == c.quote
                && escape == c.escape && nullString.equals(c.nullString) && Objects.equals(schemaJson, c.schemaJson)
                && skipMalformedRows == c.skipMalformedRows && batchRows == c.batchRows
                && allowQuotedNewlines == c.allowQuotedNewlines && trailingDelimiter == c.trailingDelimiter
                && minSplitBytes == c.minSplitBytes && inferenceRows == c.inferenceRows;
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, delimiter, quote, escape, nullString, schemaJson, skipMalformedRows, batchRows,
                allowQuotedNewlines, trailingDelimiter, minSplitBytes, inferenceRows);
    }

    @Override
    public String toString() {
        return "CsvOptions{header=" + header + ", delimiter='" + (char) delimiter + "', quote='" + (char) quote
                + "', escape='" + (char) escape + "', null='" + nullString + "', schema="
                + (schemaJson == null ? "inferred" : schema()) + ", skipMalformedRows=" + skipMalformedRows
                + ", batchRows=" + batchRows + ", allowQuotedNewlines=" + allowQuotedNewlines
                + ", trailingDelimiter=" + trailingDelimiter + "}";
    }
}
