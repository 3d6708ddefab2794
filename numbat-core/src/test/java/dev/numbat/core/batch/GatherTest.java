package dev.numbat.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalDayVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GatherTest {
    private static final int VALUES = 45;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    static Stream<String> types() {
        return Stream.of("tinyint", "smallint", "int", "bigint", "uint1", "uint2", "uint4", "uint8", "float4",
                "float8", "bit", "dateday", "datemilli", "timestamp", "timenano", "decimal", "decimal256",
                "fixedbinary", "intervalday", "varchar", "largevarchar", "varbinary", "largevarbinary", "list",
                "struct", "null");
    }

    /** A vector of {@code type} with {@link #VALUES} values; every fifth is NULL when {@code nulls}. */
    private FieldVector vector(String type, boolean nulls) {
        FieldVector v = switch (type) {
            case "tinyint" -> new TinyIntVector(type, allocator);
            case "smallint" -> new SmallIntVector(type, allocator);
            case "int" -> new IntVector(type, allocator);
            case "bigint" -> new BigIntVector(type, allocator);
            case "uint1" -> new UInt1Vector(type, allocator);
            case "uint2" -> new UInt2Vector(type, allocator);
            case "uint4" -> new UInt4Vector(type, allocator);
            case "uint8" -> new UInt8Vector(type, allocator);
            case "float4" -> new Float4Vector(type, allocator);
            case "float8" -> new Float8Vector(type, allocator);
            case "bit" -> new BitVector(type, allocator);
            case "dateday" -> new DateDayVector(type, allocator);
            case "datemilli" -> new DateMilliVector(type, allocator);
            case "timestamp" -> new TimeStampMicroTZVector(type, allocator, "UTC");
            case "timenano" -> new TimeNanoVector(type, allocator);
            case "decimal" -> new DecimalVector(type, allocator, 30, 3);
            case "decimal256" -> new Decimal256Vector(type, allocator, 60, 2);
            case "fixedbinary" -> new FixedSizeBinaryVector(type, allocator, 5);
            case "intervalday" -> new IntervalDayVector(type, allocator);
            case "varchar" -> new VarCharVector(type, allocator);
            case "largevarchar" -> new LargeVarCharVector(type, allocator);
            case "varbinary" -> new VarBinaryVector(type, allocator);
            case "largevarbinary" -> new LargeVarBinaryVector(type, allocator);
            case "list" -> ListVector.empty(type, allocator);
            case "struct" -> StructVector.emptyWithDuplicates(type, allocator);
            case "null" -> new NullVector(type, VALUES);
            default -> throw new IllegalArgumentException(type);
        };
        if (v instanceof NullVector) {
            return v;
        }
        if (v instanceof StructVector s) {
            s.addOrGet("a", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
            s.addOrGet("b", FieldType.nullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
        }
        v.allocateNew();
        UnionListWriter listWriter = v instanceof ListVector l ? l.getWriter() : null;
        for (int i = 0; i < VALUES; i++) {
            boolean isNull = nulls && i % 5 == 1;
            if (listWriter != null) {
                listWriter.setPosition(i);
                if (!isNull) {
                    listWriter.startList();
                    for (int j = 0; j < i % 4; j++) {
                        listWriter.writeInt(i * 10 + j);
                    }
                    listWriter.endList();
                }
                continue;
            }
            if (isNull) {
                if (v instanceof StructVector s) {
                    s.setNull(i);
                } else {
                    setNull(v, i);
                }
                continue;
            }
            set(v, i);
        }
        if (listWriter != null) {
            listWriter.setValueCount(VALUES);
        }
        v.setValueCount(VALUES);
        return v;
    }

    private static void setNull(FieldVector v, int i) {
        if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
            f.setNull(i);
        } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector w) {
            w.setNull(i);
        } else if (v instanceof org.apache.arrow.vector.BaseLargeVariableWidthVector w) {
            w.setNull(i);
        } else {
            throw new IllegalArgumentException(v.getName());
        }
    }

    private static byte[] bytes(int i) {
        // lengths 0 .. 12, so there are empty values
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < i % 13; j++) {
            sb.append((char) ('a' + (i + j) % 26));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void set(FieldVector v, int i) {
        if (v instanceof TinyIntVector x) {
            x.setSafe(i, (byte) (i * 37));
        } else if (v instanceof SmallIntVector x) {
            x.setSafe(i, (short) (i * 1237));
        } else if (v instanceof IntVector x) {
            x.setSafe(i, i * 123_456_7);
        } else if (v instanceof BigIntVector x) {
            x.setSafe(i, i * 1_234_567_890_123L);
        } else if (v instanceof UInt1Vector x) {
            x.setSafe(i, i * 37);
        } else if (v instanceof UInt2Vector x) {
            x.setSafe(i, (char) (i * 1237));
        } else if (v instanceof UInt4Vector x) {
            x.setSafe(i, i * 123_456_7);
        } else if (v instanceof UInt8Vector x) {
            x.setSafe(i, -i * 1_234_567_890_123L);
        } else if (v instanceof Float4Vector x) {
            x.setSafe(i, i * 1.25f);
        } else if (v instanceof Float8Vector x) {
            x.setSafe(i, i * -2.5e100);
        } else if (v instanceof BitVector x) {
            x.setSafe(i, (i * 7) % 3 == 0 ? 1 : 0);
        } else if (v instanceof DateDayVector x) {
            x.setSafe(i, 19_000 + i);
        } else if (v instanceof DateMilliVector x) {
            x.setSafe(i, 1_700_000_000_000L + i);
        } else if (v instanceof TimeStampMicroTZVector x) {
            x.setSafe(i, 1_700_000_000_000_000L + i);
        } else if (v instanceof TimeNanoVector x) {
            x.setSafe(i, i * 1_000_000_007L);
        } else if (v instanceof DecimalVector x) {
            x.setSafe(i, new BigDecimal(i * 1_000_000_000_000L - 7).movePointLeft(3)
                    .multiply(BigDecimal.valueOf(i % 2 == 0 ? 1 : -1)));
        } else if (v instanceof Decimal256Vector x) {
            x.setSafe(i, new BigDecimal("123456789012345678901234567890123456.78")
                    .multiply(BigDecimal.valueOf(i - 20)));
        } else if (v instanceof FixedSizeBinaryVector x) {
            x.setSafe(i, new byte[] {(byte) i, 1, 2, 3, (byte) -i});
        } else if (v instanceof IntervalDayVector x) {
            x.setSafe(i, i, i * 1000);
        } else if (v instanceof VarCharVector x) {
            x.setSafe(i, bytes(i));
        } else if (v instanceof LargeVarCharVector x) {
            x.setSafe(i, bytes(i));
        } else if (v instanceof VarBinaryVector x) {
            x.setSafe(i, bytes(i));
        } else if (v instanceof LargeVarBinaryVector x) {
            x.setSafe(i, bytes(i));
        } else if (v instanceof StructVector x) {
            ((IntVector) x.getChild("a")).setSafe(i, i);
            ((VarCharVector) x.getChild("b")).setSafe(i, bytes(i));
            x.setIndexDefined(i);
        } else {
            throw new IllegalArgumentException(v.getName());
        }
    }

    private static int[] rows(int count, int bound, long seed) {
        Random random = new Random(seed);
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = random.nextInt(bound);
        }
        return rows;
    }

    private static void assertSameValues(FieldVector actual, FieldVector expected) {
        assertThat(actual.getValueCount()).isEqualTo(expected.getValueCount());
        assertThat(actual.getNullCount()).isEqualTo(expected.getNullCount());
        for (int i = 0; i < expected.getValueCount(); i++) {
            assertThat(actual.isNull(i)).as("null at %d", i).isEqualTo(expected.isNull(i));
            assertThat(actual.getObject(i)).as("value at %d", i).isEqualTo(expected.getObject(i));
        }
    }

    private void checkAgainstCopyFromSafe(FieldVector source, int[] rows, int count) {
        try (FieldVector actual = source.getField().createVector(allocator);
             FieldVector expected = source.getField().createVector(allocator)) {
            Gather.gather(source, rows, count, actual);
            expected.allocateNew();
            if (!(source instanceof NullVector)) { // NullVector.copyFromSafe throws; the old Gather did too
                for (int i = 0; i < count; i++) {
                    expected.copyFromSafe(rows[i], i, source);
                }
            }
            expected.setValueCount(count);
            assertSameValues(actual, expected);
            if (count > 0 && !(source instanceof NullVector)) {
                // the rows really are the source's rows (not only equal to the reference)
                assertThat(actual.getObject(count - 1)).isEqualTo(source.getObject(rows[count - 1]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void gatherMatchesCopyFromSafe(String type) {
        for (boolean nulls : new boolean[] {false, true}) {
            try (FieldVector source = vector(type, nulls)) {
                for (int count : new int[] {0, 1, 7, 8, 9, 16, 45, 203}) {
                    checkAgainstCopyFromSafe(source, rows(count, VALUES, count * 31L + (nulls ? 1 : 0)), count);
                }
                int[] reversed = new int[VALUES];
                for (int i = 0; i < VALUES; i++) {
                    reversed[i] = VALUES - 1 - i;
                }
                checkAgainstCopyFromSafe(source, reversed, VALUES);
                // rows past count are ignored
                checkAgainstCopyFromSafe(source, new int[] {3, 3, 1, 99, -1}, 3);
            }
        }
    }

    /** Selections a filter that keeps most rows makes: long runs of consecutive rows, copied in bulk. */
    @ParameterizedTest
    @MethodSource("types")
    void gatherRunsOfConsecutiveRows(String type) {
        for (boolean nulls : new boolean[] {false, true}) {
            try (FieldVector small = vector(type, nulls);
                 FieldVector source = small.getField().createVector(allocator)) {
                int n = 400;
                source.allocateNew();
                if (!(small instanceof NullVector)) {
                    for (int i = 0; i < n; i++) {
                        source.copyFromSafe(i % VALUES, i, small);
                    }
                }
                source.setValueCount(n);
                // every row but each 37th: runs of 36
                int[] most = new int[n];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (i % 37 != 5) {
                        most[count++] = i;
                    }
                }
                checkAgainstCopyFromSafe(source, most, count);
                // all rows, one run from a non-zero start
                int[] tail = new int[n - 3];
                for (int i = 0; i < tail.length; i++) {
                    tail[i] = i + 3;
                }
                checkAgainstCopyFromSafe(source, tail, tail.length);
                // rows[i + 15] == rows[i] + 15 without the rows between being consecutive, then a short run,
                // a repeat, and a run that ends the selection
                int[] tricky = new int[80];
                for (int i = 0; i < 16; i++) {
                    tricky[i] = i == 0 ? 10 : i == 15 ? 25 : 3 * i;
                }
                for (int i = 16; i < 24; i++) {
                    tricky[i] = 100 + i;
                }
                tricky[24] = 123;
                for (int i = 25; i < 80; i++) {
                    tricky[i] = 300 + i;
                }
                checkAgainstCopyFromSafe(source, tricky, 80);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void gatherFromASliceOfAVector(String type) {
        try (FieldVector source = vector(type, true)) {
            TransferPair pair = source.getTransferPair(allocator);
            pair.splitAndTransfer(3, 29); // an offset that is not a multiple of 8
            try (FieldVector slice = (FieldVector) pair.getTo()) {
                checkAgainstCopyFromSafe(slice, rows(50, 29, 7), 50);
            }
        }
    }

    @Test
    void rejectsRowsOutsideTheVector() {
        try (IntVector source = (IntVector) vector("int", false); IntVector to = new IntVector("to", allocator)) {
            assertThatThrownBy(() -> Gather.gather(source, new int[] {0, VALUES}, 2, to))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Gather.gather(source, new int[] {0}, 2, to))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void gathersAWholeBatch() {
        try (FieldVector ids = vector("bigint", true); FieldVector names = vector("varchar", true);
             FieldVector flags = vector("bit", true)) {
            VectorSchemaRoot batch = new VectorSchemaRoot(List.of(ids, names, flags));
            int[] rows = {44, 0, 1, 0, 13};
            try (VectorSchemaRoot out = Batches.gather(batch, rows, rows.length, allocator)) {
                assertThat(out.getRowCount()).isEqualTo(5);
                assertThat(out.getSchema()).isEqualTo(batch.getSchema());
                for (int i = 0; i < rows.length; i++) {
                    for (String column : List.of("bigint", "varchar", "bit")) {
                        assertThat(out.getVector(column).getObject(i))
                                .isEqualTo(batch.getVector(column).getObject(rows[i]));
                    }
                }
                assertThat(out.getVector("varchar").isNull(2)).isTrue();
            }
        }
    }
}
