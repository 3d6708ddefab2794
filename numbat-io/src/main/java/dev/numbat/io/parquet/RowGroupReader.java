package dev.numbat.io.parquet;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.SplitReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads chosen row groups of one Parquet file with parquet-java (no Hadoop file system: a local
 * {@link LocalInputFile}) and decodes them straight into Arrow vectors of the source's schema, the schema the
 * native reader produces for the same file. Flat columns only; see {@link #decoding} for the type mapping.
 *
 * <p>Values are pulled with {@link ColumnReader}'s primitive getters and written into the vectors' buffers
 * directly: no boxing, no per-value allocation except the {@link Binary} views of non-dictionary strings.
 */
final class RowGroupReader implements SplitReader {
    private final Path file;
    private final Schema schema;
    private final int[] rowGroups;
    private final int batchSize;
    private final BufferAllocator allocator;
    private final MessageType projection;
    private final ColumnDescriptor[] descriptors;
    private final Kind[] kinds;
    private final String createdBy;
    private ParquetFileReader reader;
    private PageReadStore pages;
    private ColumnReader[] columns;
    private int nextGroup;
    private long rowsLeft;

    /** How a Parquet column becomes an Arrow vector. */
    enum Kind {
        BOOLEAN, INT8, INT16, INT32, INT64, FLOAT, DOUBLE, DECIMAL_INT32, DECIMAL_INT64, DECIMAL_BYTES, BYTES
    }

    RowGroupReader(Path file, ParquetMetadata footer, List<Integer> rowGroups, Schema schema, int batchSize,
            BufferAllocator allocator) {
        this.file = file;
        this.schema = schema;
        this.rowGroups = rowGroups.stream().mapToInt(Integer::intValue).toArray();
        this.batchSize = batchSize;
        this.allocator = allocator;
        try {
            LocalInputFile in = new LocalInputFile(file);
            ParquetReadOptions options = ParquetReadOptions.builder().build();
            reader = footer == null ? ParquetFileReader.open(in, options)
                    : ParquetFileReader.open(in, footer, options, in.newStream());
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            int n = schema.getFields().size();
            descriptors = new ColumnDescriptor[n];
            kinds = new Kind[n];
            List<Type> types = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Field f = schema.getFields().get(i);
                if (!fileSchema.containsField(f.getName())) {
                    throw NumbatException.userError("column %s not found in Parquet file %s", f.getName(), file);
                }
                Type t = fileSchema.getType(f.getName());
                kinds[i] = decoding(t, f);
                if (kinds[i] == null) {
                    throw NumbatException.userError("Parquet file %s: column %s of type %s cannot be read as %s by the "
                            + "row-group reader (nested and some logical types are read whole-file only)", file,
                            f.getName(), t, f.getType());
                }
                types.add(t);
            }
            projection = new MessageType(fileSchema.getName(), types);
            for (int i = 0; i < n; i++) {
                descriptors[i] = projection.getColumnDescription(new String[] {schema.getFields().get(i).getName()});
            }
            reader.setRequestedSchema(projection);
            int groups = reader.getRowGroups().size();
            for (int g : this.rowGroups) {
                if (g < 0 || g >= groups) {
                    throw NumbatException.userError("Parquet file %s has %d row groups, no row group %d", file, groups, g);
                }
            }
        } catch (Throwable e) {
            close();
            throw ParquetSource.badFile(file, e);
        }
    }

    /**
     * The decoding of Parquet column {@code t} into an Arrow vector of {@code f}'s type, or null if this reader
     * cannot produce exactly what the native reader produces for it.
     */
    static Kind decoding(Type t, Field f) {
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED) || !f.getChildren().isEmpty()) {
            return null;
        }
        PrimitiveType p = t.asPrimitiveType();
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        ArrowType at = f.getType();
        switch (p.getPrimitiveTypeName()) {
            case BOOLEAN:
                return at instanceof ArrowType.Bool ? Kind.BOOLEAN : null;
            case INT32:
                if (a instanceof DecimalLogicalTypeAnnotation) {
                    return at instanceof ArrowType.Decimal d && d.getBitWidth() == 128 ? Kind.DECIMAL_INT32 : null;
                }
                if (at instanceof ArrowType.Int i) {
                    if (a != null && !(a instanceof IntLogicalTypeAnnotation)) {
                        return null;
                    }
                    return switch (i.getBitWidth()) {
                        case 8 -> Kind.INT8;
                        case 16 -> Kind.INT16;
                        case 32 -> Kind.INT32;
                        default -> null;
                    };
                }
                if (at instanceof ArrowType.Date d && a instanceof DateLogicalTypeAnnotation
                        && d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY) {
                    return Kind.INT32;
                }
                if (at instanceof ArrowType.Time tt && a instanceof TimeLogicalTypeAnnotation ta
                        && tt.getBitWidth() == 32 && tt.getUnit() == TimeUnit.MILLISECOND
                        && ta.getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS) {
                    return Kind.INT32;
                }
                return null;
            case INT64:
                if (a instanceof DecimalLogicalTypeAnnotation) {
                    return at instanceof ArrowType.Decimal d && d.getBitWidth() == 128 ? Kind.DECIMAL_INT64 : null;
                }
                if (at instanceof ArrowType.Int i) {
                    return i.getBitWidth() == 64 && (a == null || a instanceof IntLogicalTypeAnnotation) ? Kind.INT64 : null;
                }
                if (at instanceof ArrowType.Timestamp ts && a instanceof TimestampLogicalTypeAnnotation ta
                        && sameUnit(ts.getUnit(), ta.getUnit())) {
                    return Kind.INT64;
                }
                if (at instanceof ArrowType.Time tt && a instanceof TimeLogicalTypeAnnotation ta && tt.getBitWidth() == 64
                        && sameUnit(tt.getUnit(), ta.getUnit())) {
                    return Kind.INT64;
                }
                return null;
            case FLOAT:
                return at instanceof ArrowType.FloatingPoint fp && fp.getPrecision() == FloatingPointPrecision.SINGLE
                        ? Kind.FLOAT : null;
            case DOUBLE:
                return at instanceof ArrowType.FloatingPoint fp && fp.getPrecision() == FloatingPointPrecision.DOUBLE
                        ? Kind.DOUBLE : null;
            case BINARY:
            case FIXED_LEN_BYTE_ARRAY:
                if (a instanceof DecimalLogicalTypeAnnotation) {
                    return at instanceof ArrowType.Decimal d && d.getBitWidth() == 128 ? Kind.DECIMAL_BYTES : null;
                }
                if (p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
                        && ((at instanceof ArrowType.Utf8 && a instanceof StringLogicalTypeAnnotation)
                            || (at instanceof ArrowType.Binary && a == null))) {
                    return Kind.BYTES;
                }
                return null;
            default:
                return null; // INT96 and anything new
        }
    }

    private static boolean sameUnit(TimeUnit arrow, LogicalTypeAnnotation.TimeUnit parquet) {
        return switch (parquet) {
            case MILLIS -> arrow == TimeUnit.MILLISECOND;
            case MICROS -> arrow == TimeUnit.MICROSECOND;
            case NANOS -> arrow == TimeUnit.NANOSECOND;
        };
    }

    @Override
    public VectorSchemaRoot next() {
        try {
            while (rowsLeft == 0) {
                if (!nextRowGroup()) {
                    return null;
                }
            }
            int n = (int) Math.min(batchSize, rowsLeft);
            VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
            try {
                for (int c = 0; c < kinds.length; c++) {
                    decode(columns[c], descriptors[c].getMaxDefinitionLevel(), kinds[c], root.getVector(c), n);
                }
                root.setRowCount(n);
            } catch (Throwable e) {
                root.close();
                throw e;
            }
            rowsLeft -= n;
            return root;
        } catch (Throwable e) {
            throw ParquetSource.badFile(file, e);
        }
    }

    private boolean nextRowGroup() throws IOException {
        closePages();
        if (nextGroup >= rowGroups.length) {
            return false;
        }
        pages = reader.readRowGroup(rowGroups[nextGroup++]);
        rowsLeft = pages.getRowCount();
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                new DummyRecordConverter(projection).getRootConverter(), projection, createdBy);
        columns = new ColumnReader[descriptors.length];
        for (int c = 0; c < descriptors.length; c++) {
            columns[c] = store.getColumnReader(descriptors[c]);
        }
        return true;
    }

    private static void decode(ColumnReader r, int maxDef, Kind kind, FieldVector vector, int n) {
        if (kind == Kind.BYTES) {
            decodeBytes(r, maxDef, (BaseVariableWidthVector) vector, n);
            return;
        }
        BaseFixedWidthVector v = (BaseFixedWidthVector) vector;
        v.allocateNew(n); // zeroed validity
        ArrowBuf valid = v.getValidityBuffer();
        ArrowBuf data = v.getDataBuffer();
        switch (kind) {
            case BOOLEAN -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        if (r.getBoolean()) {
                            BitVectorHelper.setBit(data, i);
                        }
                    }
                    r.consume();
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setByte(i, r.getInteger());
                    }
                    r.consume();
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setShort(2L * i, (short) r.getInteger());
                    }
                    r.consume();
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setInt(4L * i, r.getInteger());
                    }
                    r.consume();
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setLong(8L * i, r.getLong());
                    }
                    r.consume();
                }
            }
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setFloat(4L * i, r.getFloat());
                    }
                    r.consume();
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        data.setDouble(8L * i, r.getDouble());
                    }
                    r.consume();
                }
            }
            case DECIMAL_INT32, DECIMAL_INT64 -> {
                // Decimal128 little-endian: the unscaled value, then its sign extension.
                boolean int32 = kind == Kind.DECIMAL_INT32;
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        BitVectorHelper.setBit(valid, i);
                        long x = int32 ? r.getInteger() : r.getLong();
                        data.setLong(16L * i, x);
                        data.setLong(16L * i + 8, x >> 63);
                    }
                    r.consume();
                }
            }
            case DECIMAL_BYTES -> {
                DecimalVector d = (DecimalVector) v;
                for (int i = 0; i < n; i++) {
                    if (r.getCurrentDefinitionLevel() == maxDef) {
                        d.setBigEndian(i, r.getBinary().getBytesUnsafe()); // sets the validity bit
                    }
                    r.consume();
                }
            }
            default -> throw new IllegalStateException("unexpected " + kind);
        }
        v.setValueCount(n);
    }

    private static void decodeBytes(ColumnReader r, int maxDef, BaseVariableWidthVector v, int n) {
        v.allocateNew(Math.max(1024, 16L * n), n);
        for (int i = 0; i < n; i++) {
            if (r.getCurrentDefinitionLevel() == maxDef) {
                ByteBuffer b = r.getBinary().toByteBuffer();
                v.setSafe(i, b, b.position(), b.remaining());
            }
            r.consume();
        }
        v.setValueCount(n);
    }

    private void closePages() {
        if (pages != null) {
            PageReadStore p = pages;
            pages = null;
            columns = null;
            p.close();
        }
    }

    @Override
    public void close() {
        try {
            closePages();
        } finally {
            if (reader != null) {
                ParquetFileReader r = reader;
                reader = null;
                try {
                    r.close();
                } catch (IOException e) {
                    throw new NumbatException(ErrorCode.IO_ERROR, "closing Parquet file " + file + ": " + e, e);
                }
            }
        }
    }
}
