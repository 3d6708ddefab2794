package dev.numbat.core.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.partition.HashPartitioner;
import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RowHasherTest {
    private BufferAllocator allocator;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        allocator.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        toClose.add(resource);
        return resource;
    }

    // ---- vector builders ------------------------------------------------------------------------------------

    private BigIntVector bigInts(String name, Long... values) {
        BigIntVector v = track(new BigIntVector(name, allocator));
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.set(i, values[i]);
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private IntVector ints(String name, Integer... values) {
        IntVector v = track(new IntVector(name, allocator));
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.set(i, values[i]);
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private VarCharVector strings(String name, String... values) {
        VarCharVector v = track(new VarCharVector(name, allocator));
        v.allocateNew();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private Float8Vector doubles(String name, double... values) {
        Float8Vector v = track(new Float8Vector(name, allocator));
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            v.set(i, values[i]);
        }
        v.setValueCount(values.length);
        return v;
    }

    private DecimalVector decimals(String name, int precision, int scale, String... values) {
        DecimalVector v = track(new DecimalVector(name, allocator, precision, scale));
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.set(i, new BigDecimal(values[i]).setScale(scale));
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private static long[] hash(FieldVector... columns) {
        int n = columns[0].getValueCount();
        long[] out = new long[n];
        RowHasher.hashVectors(List.of(columns), n, out);
        return out;
    }

    private VectorSchemaRoot root(FieldVector... columns) {
        List<FieldVector> list = List.of(columns);
        // the vectors are closed through toClose; the root is only a view of them
        return new VectorSchemaRoot(list);
    }

    // ---- xxHash64 -------------------------------------------------------------------------------------------

    private long xxh(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        try (ArrowBuf buf = allocator.buffer(bytes.length + 3)) {
            buf.setBytes(3, bytes); // start at an unaligned offset
            return XxHash64.hashBytes(buf, 3, bytes.length);
        }
    }

    @Test
    void xxHash64MatchesReferenceVectors() {
        // published XXH64 values, seed 0
        assertThat(xxh("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(xxh("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(xxh("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void valueHashesEqualXxHash64OfTheirLittleEndianBytes() {
        try (ArrowBuf buf = allocator.buffer(16)) {
            for (long v : new long[] {0, 1, -1, 42, Long.MIN_VALUE, 0x0123456789ABCDEFL}) {
                buf.setLong(0, v);
                assertThat(XxHash64.hashLong(v)).isEqualTo(XxHash64.hashBytes(buf, 0, 8));
                buf.setLong(8, ~v);
                assertThat(XxHash64.hash128(v, ~v)).isEqualTo(XxHash64.hashBytes(buf, 0, 16));
            }
        }
    }

    // ---- stability ------------------------------------------------------------------------------------------

    @Test
    void knownValuesHaveFixedHashes() {
        // If one of these changes, hash partitioning changed: rows would go to other channels than before,
        // which breaks mixed-version clusters and lineage replay. Do not update these numbers lightly.
        assertThat(hash(bigInts("k", 42L, 0L, -1L))).containsExactly(
                PINNED_42, PINNED_0, PINNED_MINUS_1);
        assertThat(hash(strings("s", "numbat", ""))).containsExactly(PINNED_NUMBAT, PINNED_EMPTY);
        assertThat(hash(ints("a", 1), strings("b", "x"))).containsExactly(PINNED_1_X);
        assertThat(hash(decimals("d", 10, 2, "12.34"))).containsExactly(PINNED_DECIMAL);
        assertThat(hash(doubles("f", 1.5))).containsExactly(PINNED_DOUBLE);
        assertThat(hash(bigInts("k", (Long) null))).containsExactly(RowHasher.NULL_HASH);
    }

    static final long PINNED_42 = 0xB556806FB6D14353L;
    static final long PINNED_0 = 0x34C96ACDCADB1BBBL; // the published XXH64 of 8 zero bytes
    static final long PINNED_MINUS_1 = 0x85D136ADB773C6C9L;
    static final long PINNED_NUMBAT = 0x96C3670E1DD211D4L;
    static final long PINNED_EMPTY = 0xEF46DB3751D8E999L;
    static final long PINNED_1_X = 0xDB7029228CF8B621L;
    static final long PINNED_DECIMAL = 0x47A9C924E9765C86L;
    static final long PINNED_DOUBLE = 0x49F7B96B6B5CCAF9L;

    @Test
    void integerTypesAndDatesHashAsTheSameLong() {
        Integer[] values = {0, 1, -1, 127, -128, 100, null};
        long[] expected = hash(bigInts("b", 0L, 1L, -1L, 127L, -128L, 100L, null));
        assertThat(hash(ints("i", values))).containsExactly(expected);

        TinyIntVector tiny = track(new TinyIntVector("t", allocator));
        SmallIntVector small = track(new SmallIntVector("s", allocator));
        DateDayVector days = track(new DateDayVector("d", allocator));
        tiny.allocateNew(values.length);
        small.allocateNew(values.length);
        days.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                tiny.setNull(i);
                small.setNull(i);
                days.setNull(i);
            } else {
                tiny.set(i, values[i]);
                small.set(i, values[i]);
                days.set(i, values[i]);
            }
        }
        tiny.setValueCount(values.length);
        small.setValueCount(values.length);
        days.setValueCount(values.length);
        assertThat(hash(tiny)).containsExactly(expected);
        assertThat(hash(small)).containsExactly(expected);
        assertThat(hash(days)).containsExactly(expected);

        UInt4Vector unsigned = track(new UInt4Vector("u", allocator));
        unsigned.allocateNew(2);
        unsigned.set(0, 100);
        unsigned.set(1, -1); // 4294967295 as unsigned
        unsigned.setValueCount(2);
        assertThat(hash(unsigned)).containsExactly(hash(bigInts("b", 100L, 4294967295L)));
    }

    @Test
    void sameValuesInDifferentBatchesHashEqual() {
        long[] first = hash(bigInts("a", 5L, 6L, 7L, 1L << 40));
        long[] second = hash(bigInts("b", 99L, 1L << 40, 7L, 6L, 5L));
        assertThat(second).containsExactly(hash(bigInts("x", 99L))[0], first[3], first[2], first[1], first[0]);
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void stringsOfEveryLengthHashEqualFromDifferentBuffers() {
        int maxLength = 40;
        String[] forward = new String[maxLength + 1];
        String[] shifted = new String[maxLength + 2];
        shifted[0] = "a prefix that moves every other value to another offset";
        for (int len = 0; len <= maxLength; len++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < len; j++) {
                sb.append((char) ('a' + (j * 7 + len) % 26));
            }
            forward[len] = sb.toString();
            shifted[len + 1] = new String(sb); // a distinct String object too
        }
        long[] a = hash(strings("a", forward));
        long[] b = hash(strings("b", shifted));
        for (int len = 0; len <= maxLength; len++) {
            assertThat(b[len + 1]).as("length %d", len).isEqualTo(a[len]);
            assertThat(a[len]).as("length %d", len).isEqualTo(xxh(forward[len]));
        }
        assertThat(a).doesNotHaveDuplicates();

        LargeVarCharVector large = track(new LargeVarCharVector("l", allocator));
        VarBinaryVector binary = track(new VarBinaryVector("v", allocator));
        large.allocateNew();
        binary.allocateNew();
        for (int i = 0; i < forward.length; i++) {
            large.setSafe(i, forward[i].getBytes(StandardCharsets.UTF_8));
            binary.setSafe(i, forward[i].getBytes(StandardCharsets.UTF_8));
        }
        large.setValueCount(forward.length);
        binary.setValueCount(forward.length);
        assertThat(hash(large)).containsExactly(a);
        assertThat(hash(binary)).containsExactly(a);
    }

    @Test
    void floatsNormaliseNegativeZeroAndNaN() {
        long[] h = hash(doubles("d", 0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7FF8_0000_0000_0001L),
                Double.longBitsToDouble(0xFFF0_0000_0000_0ABCL), 1.5, -1.5));
        assertThat(h[1]).isEqualTo(h[0]);
        assertThat(h[3]).isEqualTo(h[2]);
        assertThat(h[4]).isEqualTo(h[2]);
        assertThat(h[5]).isNotEqualTo(h[6]);

        Float4Vector floats = track(new Float4Vector("f", allocator));
        floats.allocateNew(4);
        floats.set(0, -0.0f);
        floats.set(1, Float.NaN);
        floats.set(2, 1.5f);
        floats.setNull(3);
        floats.setValueCount(4);
        assertThat(hash(floats)).containsExactly(h[0], h[2], h[5], RowHasher.NULL_HASH);
    }

    @Test
    void decimalsHashTheUnscaledValue() {
        long[] narrow = hash(decimals("a", 10, 2, "12.34", "-0.01", "0.00", null));
        long[] wide = hash(decimals("b", 38, 2, "12.34", "-0.01", "0", null));
        assertThat(wide).containsExactly(narrow);
        assertThat(narrow[3]).isEqualTo(RowHasher.NULL_HASH);
        assertThat(hash(decimals("c", 38, 2, "12.35", "99999999999999999999999999.99"))[0]).isNotEqualTo(narrow[0]);
        // a value wider than 64 bits uses both longs
        long[] big = hash(decimals("c", 38, 0, "18446744073709551617", "1"));
        assertThat(big[0]).isNotEqualTo(big[1]);
    }

    @Test
    void booleansAndNulls() {
        BitVector bits = track(new BitVector("b", allocator));
        bits.allocateNew(3);
        bits.set(0, 1);
        bits.set(1, 0);
        bits.setNull(2);
        bits.setValueCount(3);
        assertThat(hash(bits)).containsExactly(XxHash64.hashLong(1), XxHash64.hashLong(0), RowHasher.NULL_HASH);
        assertThat(hash(strings("s", null, "", null))).containsExactly(RowHasher.NULL_HASH, xxh(""),
                RowHasher.NULL_HASH);
    }

    @Test
    void multiColumnHashCombinesInOrder() {
        VectorSchemaRoot batch = root(ints("a", 1, 2, 1, 1, null), strings("b", "x", "x", "y", "x", null));
        long[] h = RowHasher.of("a", "b").hash(batch);
        assertThat(h[3]).isEqualTo(h[0]);
        assertThat(h).containsOnlyOnce(h[1], h[2], h[4]);
        assertThat(h[0]).isEqualTo(RowHasher.combine(XxHash64.hashLong(1), xxh("x")));
        assertThat(h[4]).isEqualTo(RowHasher.combine(RowHasher.NULL_HASH, RowHasher.NULL_HASH));
        // column order in the schema does not matter, key order does
        VectorSchemaRoot reordered = root(strings("b", "x"), bigInts("a", 1L));
        assertThat(RowHasher.of("a", "b").hash(reordered)[0]).isEqualTo(h[0]);
        assertThat(RowHasher.of("b", "a").hash(reordered)[0]).isNotEqualTo(h[0]);
    }

    @Test
    void unsupportedTypeAndMissingColumnAreUserErrors() {
        ListVector list = track(ListVector.empty("tags", allocator));
        list.setValueCount(0);
        VectorSchemaRoot batch = root(list, ints("id", 1));
        assertThatThrownBy(() -> RowHasher.of("tags").hash(batch))
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("tags").hasMessageContaining("List");
        assertThatThrownBy(() -> RowHasher.of("nope").hash(batch))
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("nope");
    }

    // ---- distribution ---------------------------------------------------------------------------------------

    private static void assertEvenlySpread(long[] hashes, int consumers) {
        assertEvenlySpread(hashes, consumers, 0.05);
    }

    private static void assertEvenlySpread(long[] hashes, int consumers, double tolerance) {
        int[] counts = new int[consumers];
        for (long h : hashes) {
            counts[HashPartitioner.consumerOf(h, consumers)]++;
        }
        double mean = (double) hashes.length / consumers;
        for (int c = 0; c < consumers; c++) {
            assertThat((double) counts[c]).as("consumer %d of %s", c, java.util.Arrays.toString(counts))
                    .isBetween(mean * (1 - tolerance), mean * (1 + tolerance));
        }
    }

    @Test
    void sequentialLongsSpreadEvenly() {
        int n = 100_000;
        BigIntVector v = track(new BigIntVector("k", allocator));
        v.allocateNew(n);
        for (int i = 0; i < n; i++) {
            v.set(i, i);
        }
        v.setValueCount(n);
        long[] h = hash(v);
        assertEvenlySpread(h, 7);
        assertEvenlySpread(h, 2);
        assertEvenlySpread(h, 64, 0.15); // ~1560 per consumer: binomial noise alone is 2.5%
        // the low bits (hash table buckets) are as well mixed as the high ones (channels)
        long[] low = new long[n];
        for (int i = 0; i < n; i++) {
            low[i] = h[i] << 32;
        }
        assertEvenlySpread(low, 7);
    }

    @Test
    void stringsSpreadEvenly() {
        int n = 100_000;
        VarCharVector v = track(new VarCharVector("k", allocator));
        v.allocateNew();
        for (int i = 0; i < n; i++) {
            v.setSafe(i, ("user-" + i).getBytes(StandardCharsets.UTF_8));
        }
        v.setValueCount(n);
        assertEvenlySpread(hash(v), 7);
        assertEvenlySpread(hash(v), 13);
    }

    @Test
    void oneBitOfInputChangesAboutHalfTheOutputBits() {
        Function<Long, Long> h = XxHash64::hashLong;
        long totalFlipped = 0;
        int trials = 0;
        for (long x = 0; x < 200; x++) {
            for (int bit = 0; bit < 64; bit++) {
                totalFlipped += Long.bitCount(h.apply(x) ^ h.apply(x ^ (1L << bit)));
                trials++;
            }
        }
        assertThat((double) totalFlipped / trials).isBetween(31.0, 33.0);
    }
}
