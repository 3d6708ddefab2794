package dev.numbat.io.csv;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.SplitReader;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one byte range of a CSV file into Arrow batches: {@link CsvTokenizer} finds the fields of a row,
 * each field is parsed straight from the buffer's bytes into its {@link CsvColumnBuffer}, and a full batch is
 * copied into Arrow vectors in bulk.
 *
 * <p>A malformed row is found while its values are being staged. In skip mode the row index is simply not
 * advanced, so the next row overwrites whatever part of the bad row was staged.
 */
final class CsvSplitReader implements SplitReader {
    /** A batch also ends after this much input, so very wide rows do not make huge batches. */
    private static final long MAX_BATCH_INPUT_BYTES = 32L << 20;
    private static final int MAX_VALUE_IN_ERROR = 40;

    static final int T_INTEGER = 0;
    static final int T_BIGINT = 1;
    static final int T_DOUBLE = 2;
    static final int T_DECIMAL = 3;
    static final int T_VARCHAR = 4;
    static final int T_BOOLEAN = 5;
    static final int T_DATE = 6;
    static final int T_TIMESTAMP = 7;

    private final CsvTokenizer tokenizer;
    private final Schema schema;
    private final BufferAllocator allocator;
    private final String fileName;
    private final int columns;
    private final int[] types;
    private final int[] precision;
    private final int[] scale;
    private final String[] typeNames;
    private final byte[] nullBytes;
    private final boolean skipMalformed;
    private final boolean trailingDelimiter;
    private final int batchRows;
    private final CsvValueParser parser = new CsvValueParser();
    private final CsvColumnBuffer[] buffers;
    /**
     * A tiny buffer held while the reader is open. Arrow's Netty pool frees a memory chunk the moment its
     * last buffer is released, so when the consumer closes each batch before the next is read, every batch
     * would map, fault in and zero a fresh chunk (measured at ~25% of read time). Holding one small buffer
     * keeps a chunk alive for the batches to reuse.
     */
    private final ArrowBuf pin;
    private long skipped;
    private boolean done;
    private boolean closed;

    CsvSplitReader(CsvSplit split, Schema schema, CsvOptions options, BufferAllocator allocator) {
        this.schema = schema;
        this.allocator = allocator;
        Path path = Path.of(split.path());
        this.fileName = split.path();
        List<Field> fields = schema.getFields();
        this.columns = fields.size();
        this.types = new int[columns];
        this.precision = new int[columns];
        this.scale = new int[columns];
        this.typeNames = new String[columns];
        for (int c = 0; c < columns; c++) {
            Field f = fields.get(c);
            CsvColumnType t = CsvColumnType.of(f);
            types[c] = switch (t) {
                case INTEGER -> T_INTEGER;
                case BIGINT -> T_BIGINT;
                case DOUBLE -> T_DOUBLE;
                case DECIMAL -> T_DECIMAL;
                case VARCHAR -> T_VARCHAR;
                case BOOLEAN -> T_BOOLEAN;
                case DATE -> T_DATE;
                case TIMESTAMP -> T_TIMESTAMP;
            };
            if (t == CsvColumnType.DECIMAL) {
                ArrowType.Decimal d = (ArrowType.Decimal) f.getType();
                precision[c] = d.getPrecision();
                scale[c] = d.getScale();
            }
            typeNames[c] = CsvColumnType.sqlName(f);
        }
        this.buffers = new CsvColumnBuffer[columns];
        int initialRows = Math.min(options.batchRows(), 1024);
        for (int c = 0; c < columns; c++) {
            buffers[c] = new CsvColumnBuffer(types[c], initialRows);
        }
        this.nullBytes = options.nullBytes();
        this.skipMalformed = options.skipMalformedRows();
        this.trailingDelimiter = options.trailingDelimiter();
        this.batchRows = options.batchRows();
        this.tokenizer = new CsvTokenizer(path, split.start(), split.end(), options, CsvTokenizer.DEFAULT_BUFFER);
        ArrowBuf pinned = null;
        try {
            pinned = allocator.buffer(8);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        this.pin = pinned;
        if (split.start() == 0 && options.header()) {
            // The header is tokenized like any row (so quoting works) and dropped.
            try {
                int status = tokenizer.next();
                if (status != CsvTokenizer.ROW && status != CsvTokenizer.END) {
                    tokenizer.skipMalformed();
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    @Override
    public VectorSchemaRoot next() {
        if (done) {
            return null;
        }
        long firstRowStart = -1;
        int row = 0;
        int capacity = 0;
        while (row < batchRows) {
            int status = tokenizer.next();
            if (status == CsvTokenizer.END) {
                done = true;
                break;
            }
            if (status != CsvTokenizer.ROW) {
                malformedSyntax(status);
                continue;
            }
            if (row == capacity) {
                capacity = Math.min(batchRows, Math.max(1024, capacity * 2));
                for (CsvColumnBuffer b : buffers) {
                    b.ensureRows(capacity);
                }
            }
            if (writeRow(row)) {
                row++;
            }
            if (firstRowStart < 0) {
                firstRowStart = tokenizer.rowStart;
            } else if (tokenizer.rowStart - firstRowStart > MAX_BATCH_INPUT_BYTES) {
                break;
            }
        }
        if (row == 0) {
            done = true;
            return null;
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            List<FieldVector> vectors = root.getFieldVectors();
            for (int c = 0; c < columns; c++) {
                buffers[c].copyTo(vectors.get(c), row);
            }
            root.setRowCount(row);
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /** Stages the tokenizer's current row at index {@code row}; false if it was malformed and skipped. */
    private boolean writeRow(int row) {
        final CsvTokenizer t = tokenizer;
        int found = t.fieldCount;
        if (found != columns) {
            if (trailingDelimiter && found == columns + 1 && t.fieldEnd[columns] == t.fieldStart[columns]
                    && t.fieldFlags[columns] == 0) {
                found = columns;
            } else {
                return malformed(-1, String.format("expected %d fields but found %d", columns,
                        trailingDelimiter ? found - 1 : found));
            }
        }
        final byte[] b = t.buf;
        final int[] starts = t.fieldStart;
        final int[] ends = t.fieldEnd;
        final byte[] flags = t.fieldFlags;
        final CsvValueParser p = parser;
        final CsvColumnBuffer[] cols = buffers;
        for (int c = 0; c < columns; c++) {
            int s = starts[c];
            int e = ends[c];
            byte fl = flags[c];
            if ((fl & CsvTokenizer.ESCAPED) != 0) {
                e = t.unescape(c);
            }
            CsvColumnBuffer col = cols[c];
            if (fl == 0 && isNull(b, s, e)) {
                col.putNull(row);
                continue;
            }
            int type = col.type;
            if (type == T_VARCHAR) {
                col.putBytes(row, b, s, e - s);
                continue;
            }
            if (s == e) {
                col.putNull(row); // a quoted empty string is no number, date or boolean: NULL
                continue;
            }
            boolean ok;
            switch (type) {
                case T_BIGINT -> {
                    ok = p.parseLong(b, s, e);
                    col.longs[row] = p.longValue;
                }
                case T_INTEGER -> {
                    ok = p.parseLong(b, s, e) && p.longValue == (int) p.longValue;
                    col.ints[row] = (int) p.longValue;
                }
                case T_DOUBLE -> {
                    ok = p.parseDouble(b, s, e);
                    col.doubles[row] = p.doubleValue;
                }
                case T_DATE -> {
                    ok = p.parseDate(b, s, e);
                    col.ints[row] = (int) p.longValue;
                }
                case T_TIMESTAMP -> {
                    ok = p.parseTimestamp(b, s, e);
                    col.longs[row] = p.longValue;
                }
                case T_BOOLEAN -> {
                    ok = p.parseBoolean(b, s, e);
                    col.ints[row] = (int) p.longValue;
                }
                case T_DECIMAL -> {
                    ok = p.parseDecimal(b, s, e, precision[c], scale[c]);
                    if (ok) {
                        if (precision[c] <= 18) {
                            col.longs[row] = p.longValue;
                            col.highs[row] = p.longValue < 0 ? -1 : 0;
                        } else {
                            col.putDecimal(row, p.bigValue);
                        }
                    }
                }
                default -> throw new IllegalStateException("unknown column type " + type);
            }
            if (!ok) {
                return badValue(c);
            }
            col.valid[row] = 1;
        }
        return true;
    }

    private boolean isNull(byte[] b, int s, int e) {
        final byte[] n = nullBytes;
        if (e - s != n.length) {
            return false;
        }
        for (int i = 0; i < n.length; i++) {
            if (b[s + i] != n[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean badValue(int column) {
        return malformed(column, "cannot parse \"" + tokenizer.fieldText(column, MAX_VALUE_IN_ERROR) + "\" as "
                + typeNames[column]);
    }

    private void malformedSyntax(int status) {
        int column = tokenizer.errorField < columns ? tokenizer.errorField : -1;
        String what = status == CsvTokenizer.UNTERMINATED_QUOTE ? "unterminated quoted field"
                : "unexpected text after a closing quote";
        malformed(column, what);
        tokenizer.skipMalformed();
    }

    /** Throws the USER_ERROR for a bad row, or (in skip mode) counts it and returns false. */
    private boolean malformed(int column, String what) {
        if (skipMalformed) {
            skipped++;
            return false;
        }
        long line = tokenizer.lineNumberAt(tokenizer.rowStart);
        String where = column >= 0 ? ", column \"" + schema.getFields().get(column).getName() + "\"" : "";
        throw new NumbatException(ErrorCode.USER_ERROR,
                fileName + " line " + line + where + ": " + what);
    }

    @Override
    public long rowsSkipped() {
        return skipped;
    }

    @Override
    public void close() {
        done = true;
        if (!closed) {
            closed = true;
            tokenizer.close();
            pin.close();
        }
    }
}
