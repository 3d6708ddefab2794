package dev.numbat.io.write;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorFactory;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one CSV file per channel (UTF-8, {@code \n} line ends). Values: integers and decimals in plain
 * notation (never exponent form for decimals), doubles as Java prints them, dates ISO ({@code 2024-01-31}),
 * timestamps {@code 2024-01-31 12:34:56[.fraction]} (UTC with {@code Z} when the column has a time zone),
 * booleans {@code true/false}, binary as lower-case hex, text exactly as it is (never trimmed). See
 * {@link CsvWriteOptions} for quoting and NULLs.
 */
public final class CsvWriterOperator extends FileWriterOperator {
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ')
            .appendPattern("HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).toFormatter();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final CsvWriteOptions options;
    private FileOutputStream file;
    private OutputStream out;

    public CsvWriterOperator(String dir, String writeId, CsvWriteOptions options) {
        super(dir, writeId, "csv");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    protected void begin(Path temp, Schema schema, BufferAllocator allocator) throws IOException {
        file = new FileOutputStream(temp.toFile());
        out = new BufferedOutputStream(file, 1 << 20);
        if (options.header()) {
            List<Field> fields = schema.getFields();
            for (int c = 0; c < fields.size(); c++) {
                if (c > 0) {
                    out.write(options.delimiter());
                }
                writeText(fields.get(c).getName().getBytes(StandardCharsets.UTF_8));
            }
            out.write('\n');
        }
    }

    @Override
    protected void write(VectorSchemaRoot batch) throws IOException {
        try (batch) {
            List<FieldVector> vectors = batch.getFieldVectors();
            int columns = vectors.size();
            int rows = batch.getRowCount();
            char delimiter = options.delimiter();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    if (c > 0) {
                        out.write(delimiter);
                    }
                    FieldVector v = vectors.get(c);
                    if (!v.isNull(r)) {
                        writeValue(v, r);
                    }
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "writing CSV file " + target() + ": " + e, e);
        }
    }

    private void writeValue(FieldVector v, int r) throws IOException {
        if (v instanceof VarCharVector s) {
            writeText(s.get(r));
        } else if (v instanceof UInt8Vector u) {
            ascii(Long.toUnsignedString(u.get(r)));
        } else if (v instanceof BaseIntVector i && v.getField().getType() instanceof ArrowType.Int) {
            ascii(Long.toString(i.getValueAsLong(r)));
        } else if (v instanceof Float8Vector d) {
            ascii(Double.toString(d.get(r)));
        } else if (v instanceof Float4Vector f) {
            ascii(Float.toString(f.get(r)));
        } else if (v instanceof DecimalVector d) {
            ascii(d.getObject(r).toPlainString());
        } else if (v instanceof Decimal256Vector d) {
            ascii(d.getObject(r).toPlainString());
        } else if (v instanceof DateDayVector d) {
            ascii(LocalDate.ofEpochDay(d.get(r)).toString());
        } else if (v instanceof DateMilliVector d) {
            ascii(LocalDate.ofEpochDay(Math.floorDiv(d.get(r), 86_400_000L)).toString());
        } else if (v instanceof TimeStampVector t) {
            ascii(timestamp(t, r));
        } else if (v instanceof BitVector b) {
            ascii(b.get(r) != 0 ? "true" : "false");
        } else if (v instanceof LargeVarCharVector s) {
            writeText(s.get(r));
        } else if (v instanceof VarBinaryVector b) {
            byte[] bytes = b.get(r);
            for (byte x : bytes) {
                out.write(HEX[(x >> 4) & 0xF]);
                out.write(HEX[x & 0xF]);
            }
        } else {
            Object o = v.getObject(r);
            if (o instanceof LocalTime || o instanceof BigDecimal) {
                ascii(o instanceof BigDecimal bd ? bd.toPlainString() : o.toString());
            } else {
                writeText(String.valueOf(o).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String timestamp(TimeStampVector t, int r) {
        ArrowType.Timestamp type = (ArrowType.Timestamp) t.getField().getType();
        long value = t.get(r);
        Instant instant = switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L),
                    Math.floorMod(value, 1_000_000L) * 1_000L);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L),
                    Math.floorMod(value, 1_000_000_000L));
        };
        String s = TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        return type.getTimezone() == null ? s : s + "Z";
    }

    private void ascii(String s) throws IOException {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            out.write(s.charAt(i));
        }
    }

    /** Writes UTF-8 text, quoting it only when a reader could otherwise misread it. */
    private void writeText(byte[] bytes) throws IOException {
        if (!needsQuotes(bytes)) {
            out.write(bytes);
            return;
        }
        out.write('"');
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '"') {
                out.write(bytes, start, i + 1 - start);
                out.write('"');
                start = i + 1;
            }
        }
        out.write(bytes, start, bytes.length - start);
        out.write('"');
    }

    private boolean needsQuotes(byte[] bytes) {
        int n = bytes.length;
        if (n == 0) {
            return true; // distinguishes the empty string from NULL
        }
        if (isSpace(bytes[0]) || isSpace(bytes[n - 1])) {
            return true; // readers that trim unquoted fields would otherwise lose the spaces
        }
        byte d = (byte) options.delimiter();
        for (byte b : bytes) {
            if (b == d || b == '"' || b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    @Override
    protected void end() throws IOException {
        try {
            out.flush();
            file.getChannel().force(true);
            out.close();
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "writing CSV file " + target() + ": " + e, e);
        } finally {
            out = null;
            file = null;
        }
    }

    @Override
    protected void abort() {
    }

    @Override
    protected void release() throws IOException {
        if (file != null) {
            file.close();
            file = null;
            out = null;
        }
    }

    /** Creates a {@link CsvWriterOperator} per channel. */
    public record Factory(String dir, String writeId, CsvWriteOptions options) implements OperatorFactory {
        private static final long serialVersionUID = 1L;

        public Factory {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(options, "options");
            FileWriters.checkWriteId(writeId);
        }

        @Override
        public Operator create(int channel) {
            return new CsvWriterOperator(dir, writeId, options);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return RESULT_SCHEMA;
        }

        @Override
        public String name() {
            return "write-csv(" + dir + ")";
        }
    }
}
