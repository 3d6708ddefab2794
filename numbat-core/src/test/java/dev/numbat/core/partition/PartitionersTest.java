package dev.numbat.core.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.hash.RowHasher;
import dev.numbat.core.testing.TestAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionersTest {
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

    private RecordingOutput output(int producer) {
        return track(new RecordingOutput(producer, allocator));
    }

    private VectorSchemaRoot batch(FieldVector... vectors) {
        return track(new VectorSchemaRoot(List.of(vectors)));
    }

    private IntVector ints(String name, Integer... values) {
        IntVector v = new IntVector(name, allocator);
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

    private IntVector sequence(String name, int n, int modulo) {
        IntVector v = new IntVector(name, allocator);
        v.allocateNew(n);
        for (int i = 0; i < n; i++) {
            v.set(i, i % modulo);
        }
        v.setValueCount(n);
        return v;
    }

    private BigIntVector longs(String name, Long... values) {
        BigIntVector v = new BigIntVector(name, allocator);
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
        VarCharVector v = new VarCharVector(name, allocator);
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

    private static void assertUserError(ThrowingCallable call, String... fragments) {
        var assertion = assertThatThrownBy(call).isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        for (String f : fragments) {
            assertion.hasMessageContaining(f);
        }
    }

    // ---- hash -----------------------------------------------------------------------------------------------

    @Test
    void hashSendsEachRowOnceAndEqualKeysTogether() {
        int n = 10_000;
        int consumers = 5;
        VectorSchemaRoot b = batch(sequence("key", n, 97), sequence("id", n, Integer.MAX_VALUE));
        HashPartitioner p = Partitioners.hash("key");
        RecordingOutput out = output(0).route(p.forProducer(0), b, consumers);

        long[] hashes = RowHasher.of("key").hash(b);
        Set<Object> ids = new HashSet<>();
        Map<Object, Integer> consumerOfKey = new HashMap<>();
        int total = 0;
        for (int c = 0; c < consumers; c++) {
            List<Object> keys = out.values(c, "key");
            List<Object> rowIds = out.values(c, "id");
            total += rowIds.size();
            assertThat(rowIds).isSorted(); // relative order kept
            for (int i = 0; i < keys.size(); i++) {
                assertThat(ids.add(rowIds.get(i))).as("row %s sent twice", rowIds.get(i)).isTrue();
                Integer before = consumerOfKey.put(keys.get(i), c);
                assertThat(before == null || before == c).as("key %s on two consumers", keys.get(i)).isTrue();
                assertThat(HashPartitioner.consumerOf(hashes[(Integer) rowIds.get(i)], consumers)).isEqualTo(c);
            }
            assertThat(out.rows(c)).isGreaterThan(0);
        }
        assertThat(total).isEqualTo(n);
        assertThat(consumerOfKey).hasSize(97);
    }

    @Test
    void hashRoutesIntAndBigIntKeysAlike() {
        VectorSchemaRoot intKeys = batch(ints("k", 1, 2, 3, 4, 5, 6, 7, 8, -9, null));
        VectorSchemaRoot longKeys = batch(longs("k", 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, -9L, null));
        Partitioner p = Partitioners.hash("k");
        RecordingOutput a = output(0).route(p, intKeys, 4);
        RecordingOutput b = output(1).route(p, longKeys, 4);
        for (int c = 0; c < 4; c++) {
            List<Object> asLongs = new ArrayList<>();
            for (Object o : a.values(c, "k")) {
                asLongs.add(o == null ? null : ((Integer) o).longValue());
            }
            assertThat(b.values(c, "k")).isEqualTo(asLongs);
        }
    }

    @Test
    void hashSendsWholeBatchWhenAllRowsGoToOneConsumer() {
        VectorSchemaRoot same = batch(ints("k", 7, 7, 7, 7), ints("v", 1, 2, 3, 4));
        RecordingOutput out = output(0).route(Partitioners.hash("k"), same, 8);
        assertThat(out.calls).hasSize(1).allMatch(c -> c.startsWith("all:"));

        VectorSchemaRoot mixed = batch(sequence("k", 100, 100));
        assertThat(output(0).route(Partitioners.hash("k"), mixed, 1).calls).containsExactly("all:0");
        assertThat(output(0).route(Partitioners.hash("k"), mixed, 3).calls).containsExactly("byTarget:100");
    }

    @Test
    void hashOnSeveralColumns() {
        VectorSchemaRoot b = batch(ints("user_id", 1, 1, 2, 1, 2), strings("day", "mon", "tue", "mon", "mon", "mon"),
                ints("id", 0, 1, 2, 3, 4));
        HashPartitioner p = Partitioners.hash("user_id", "day");
        assertThat(p.describe()).isEqualTo("hash(user_id, day)");
        assertThat(p.columns()).containsExactly("user_id", "day");
        RecordingOutput out = output(0).route(p, b, 16);
        for (int c = 0; c < 16; c++) {
            List<Object> ids = out.values(c, "id");
            if (ids.contains(0)) {
                assertThat(ids).contains(3); // (1, mon) twice
            }
            if (ids.contains(2)) {
                assertThat(ids).contains(4); // (2, mon) twice
            }
        }
        int total = 0;
        for (int c = 0; c < 16; c++) {
            total += out.rows(c);
        }
        assertThat(total).isEqualTo(5);
    }

    @Test
    void hashOnMissingColumnIsAUserErrorEvenWithOneConsumer() {
        VectorSchemaRoot b = batch(ints("k", 1));
        assertUserError(() -> output(0).route(Partitioners.hash("user"), b, 1), "user");
        assertUserError(() -> output(0).route(Partitioners.hash("user"), b, 4), "user");
    }

    // ---- range ----------------------------------------------------------------------------------------------

    @Test
    void rangeSendsBoundaryValuesUpAndNullsToConsumerZero() {
        VectorSchemaRoot b = batch(ints("x", null, 5, 10, 15, 20, 25, 9, 19, Integer.MIN_VALUE));
        RangePartitioner p = Partitioners.range("x", 10, 20);
        assertThat(p.describe()).isEqualTo("range(x, [10, 20])");
        RecordingOutput out = output(0).route(p, b, 3);
        assertThat(out.values(0, "x")).containsExactly(null, 5, 9, Integer.MIN_VALUE);
        assertThat(out.values(1, "x")).containsExactly(10, 15, 19);
        assertThat(out.values(2, "x")).containsExactly(20, 25);
    }

    @Test
    void rangeNeedsOneMoreConsumerThanBoundaries() {
        VectorSchemaRoot b = batch(ints("x", 1));
        assertUserError(() -> output(0).route(Partitioners.range("x", 10, 20), b, 2), "range(x, [10, 20])", "3");
        assertUserError(() -> Partitioners.range("x", 20, 10), "ascending");
        assertUserError(() -> Partitioners.range("x", 10, 10), "ascending");
        assertUserError(() -> Partitioners.range("x", 1.0, Double.NaN), "NaN");
        assertUserError(() -> output(0).route(Partitioners.range("x", "a"), b, 2), "x");
        assertUserError(() -> output(0).route(Partitioners.range("y", 1), b, 2), "y");
    }

    @Test
    void rangeOnSortedDataSendsZeroCopySlices() {
        VectorSchemaRoot b = batch(longs("t", 1L, 2L, 3L, 10L, 11L, 30L));
        RecordingOutput out = output(0).route(Partitioners.range("t", 10, 20, 30), b, 4);
        assertThat(out.calls).containsExactly("slice:0:0+3", "slice:1:3+2", "slice:3:5+1");
        assertThat(out.values(1, "t")).containsExactly(10L, 11L);
        assertThat(output(0).route(Partitioners.range("t", 100), b, 2).calls).containsExactly("all:0");
    }

    @Test
    void rangeOnDoubles() {
        Float8Vector v = new Float8Vector("d", allocator);
        double[] values = {-0.0, 0.0, -1.5, Double.NaN, 2.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        v.allocateNew(values.length + 1);
        for (int i = 0; i < values.length; i++) {
            v.set(i, values[i]);
        }
        v.setNull(values.length);
        v.setValueCount(values.length + 1);
        RecordingOutput out = output(0).route(Partitioners.range("d", 0.0, 2.0), batch(v), 3);
        assertThat(out.values(0, "d")).containsExactly(-1.5, Double.NEGATIVE_INFINITY, null);
        assertThat(out.values(1, "d")).containsExactly(-0.0, 0.0);
        assertThat(out.values(2, "d")).containsExactly(Double.NaN, 2.0, Double.POSITIVE_INFINITY);
    }

    @Test
    void rangeOnIntegersWithFractionalBoundaries() {
        VectorSchemaRoot b = batch(ints("x", 2, 3, -3, -2));
        RecordingOutput out = output(0).route(Partitioners.range("x", -2.5, 2.5), b, 3);
        assertThat(out.values(0, "x")).containsExactly(-3);
        assertThat(out.values(1, "x")).containsExactly(2, -2);
        assertThat(out.values(2, "x")).containsExactly(3);
        RecordingOutput dec = output(0).route(Partitioners.range("x", new BigDecimal("2.5")), b, 2);
        assertThat(dec.values(1, "x")).containsExactly(3);
    }

    @Test
    void rangeOnDecimals() {
        DecimalVector v = new DecimalVector("price", allocator, 20, 2);
        String[] values = {"1.00", "1.01", "-5.00", "100.00", "99.99", null};
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.set(i, new BigDecimal(values[i]));
            }
        }
        v.setValueCount(values.length);
        VectorSchemaRoot b = batch(v);
        RangePartitioner p = Partitioners.range("price", new BigDecimal("1.005"), new BigDecimal("100"));
        assertThat(p.describe()).isEqualTo("range(price, [1.005, 100])");
        RecordingOutput out = output(0).route(p, b, 3);
        assertThat(out.values(0, "price")).containsExactly(new BigDecimal("1.00"), new BigDecimal("-5.00"), null);
        assertThat(out.values(1, "price")).containsExactly(new BigDecimal("1.01"), new BigDecimal("99.99"));
        assertThat(out.values(2, "price")).containsExactly(new BigDecimal("100.00"));
        // long boundaries on a decimal column compare by value, not by unscaled value
        RecordingOutput byLong = output(0).route(Partitioners.range("price", 0, 100), b, 3);
        assertThat(byLong.values(2, "price")).containsExactly(new BigDecimal("100.00"));
        assertThat(byLong.values(0, "price")).containsExactly(new BigDecimal("-5.00"), null);
    }

    @Test
    void rangeOnStringsComparesUtf8Bytes() {
        VectorSchemaRoot b = batch(strings("name", "apple", "m", "zebra", "", null, "é", "ma", "l~"));
        RangePartitioner p = Partitioners.range("name", "m", "z");
        assertThat(p.describe()).isEqualTo("range(name, ['m', 'z'])");
        RecordingOutput out = output(0).route(p, b, 3);
        assertThat(out.values(0, "name")).containsExactly("apple", "", null, "l~");
        assertThat(out.values(1, "name")).containsExactly("m", "ma");
        assertThat(out.values(2, "name")).containsExactly("zebra", "é");
    }

    @Test
    void rangeOnDates() {
        DateDayVector v = new DateDayVector("day", allocator);
        LocalDate[] days = {LocalDate.of(2023, 12, 31), LocalDate.of(2024, 1, 1), LocalDate.of(2024, 6, 30),
            LocalDate.of(2024, 7, 1)};
        v.allocateNew(days.length);
        for (int i = 0; i < days.length; i++) {
            v.set(i, (int) days[i].toEpochDay());
        }
        v.setValueCount(days.length);
        RangePartitioner p = Partitioners.range("day", LocalDate.of(2024, 1, 1), LocalDate.of(2024, 7, 1));
        assertThat(p.describe()).isEqualTo("range(day, [2024-01-01, 2024-07-01])");
        RecordingOutput out = output(0).route(p, batch(v), 3);
        assertThat(out.rows(0)).isEqualTo(1);
        assertThat(out.rows(1)).isEqualTo(2);
        assertThat(out.rows(2)).isEqualTo(1);
    }

    // ---- broadcast, round-robin, single, custom -------------------------------------------------------------

    @Test
    void broadcastSendsTheWholeBatchToEveryConsumer() {
        VectorSchemaRoot b = batch(ints("x", 1, 2, 3));
        RecordingOutput out = output(0).route(Partitioners.broadcast(), b, 3);
        assertThat(out.calls).containsExactly("all:0", "all:1", "all:2");
        for (int c = 0; c < 3; c++) {
            assertThat(out.values(c, "x")).containsExactly(1, 2, 3);
        }
        assertThat(Partitioners.broadcast().describe()).isEqualTo("broadcast()");
    }

    @Test
    void roundRobinRotatesWholeBatchesFromEachProducersOwnStart() {
        VectorSchemaRoot b = batch(ints("x", 1, 2));
        RoundRobinPartitioner shared = Partitioners.roundRobin();
        Partitioner p0 = shared.forProducer(0);
        Partitioner p2 = shared.forProducer(2);
        assertThat(p0).isNotSameAs(p2);
        RecordingOutput out0 = output(0);
        RecordingOutput out2 = output(2);
        for (int i = 0; i < 4; i++) {
            out0.route(p0, b, 3);
            out2.route(p2, b, 3);
        }
        assertThat(out0.calls).containsExactly("all:0", "all:1", "all:2", "all:0");
        assertThat(out2.calls).containsExactly("all:2", "all:0", "all:1", "all:2");
        // an instance not made per producer starts at the producer channel it first sees
        RecordingOutput out5 = output(5).route(Partitioners.roundRobin(), b, 3);
        assertThat(out5.calls).containsExactly("all:2");
        assertThat(shared.describe()).isEqualTo("roundRobin()");
    }

    @Test
    void singleSendsEverythingToConsumerZero() {
        VectorSchemaRoot b = batch(ints("x", 1, 2));
        assertThat(output(3).route(Partitioners.single(), b, 4).calls).containsExactly("all:0");
        assertThat(Partitioners.single().describe()).isEqualTo("single()");
    }

    @Test
    void customFunctionsRouteRowsSlicesAndCopies() {
        VectorSchemaRoot b = batch(ints("x", 10, 11, 12, 13));
        Partitioner fn = (batch, consumers, out) -> {
            out.sendSlice(0, 0, 2);
            out.sendRows(1, new int[] {3, 2, 3}, 3);
            out.sendAll(2);
            out.sendAll(1);
        };
        assertThat(Partitioners.custom(fn)).isSameAs(fn);
        Partitioner described = Partitioners.custom("evens-and-odds", fn);
        assertThat(described.describe()).isEqualTo("evens-and-odds");
        assertThat(described.forProducer(1).describe()).isEqualTo("evens-and-odds");
        RecordingOutput out = output(0).route(described, b, 3);
        assertThat(out.values(0, "x")).containsExactly(10, 11);
        assertThat(out.values(1, "x")).containsExactly(13, 12, 13, 10, 11, 12, 13);
        assertThat(out.values(2, "x")).containsExactly(10, 11, 12, 13);
    }

    @Test
    void emptyBatchesAreNotSent() {
        VectorSchemaRoot empty = batch(ints("x"));
        for (Partitioner p : List.of(Partitioners.hash("x"), Partitioners.range("x", 1), Partitioners.broadcast(),
                Partitioners.roundRobin(), Partitioners.single())) {
            int consumers = p instanceof RangePartitioner ? 2 : 3;
            assertThat(output(0).route(p, empty, consumers).calls).as(p.describe()).isEmpty();
        }
    }

    // ---- serialisation --------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void partitionersSurviveJavaSerialisation() throws Exception {
        List<Partitioner> all = List.of(Partitioners.hash("k", "v"), Partitioners.range("k", 3, 7),
                Partitioners.range("k", 2.5), Partitioners.range("k", new BigDecimal("1.5")),
                Partitioners.range("k", "m"), Partitioners.range("k", LocalDate.of(2024, 1, 1)),
                Partitioners.broadcast(), Partitioners.roundRobin(), Partitioners.single(),
                Partitioners.custom("mine", (Partitioner) (batch, consumers, out) -> out.sendAll(consumers - 1)));
        for (Partitioner p : all) {
            Partitioner copy = roundTrip(p);
            assertThat(copy.describe()).isEqualTo(p.describe());
            if (!(p instanceof Partitioners.Described)) {
                assertThat(copy).isEqualTo(p);
            }
        }
        VectorSchemaRoot b = batch(sequence("k", 1000, 50), sequence("v", 1000, 7));
        Partitioner hash = Partitioners.hash("k", "v").forProducer(0);
        Partitioner copy = roundTrip(hash);
        RecordingOutput before = output(0).route(hash, b, 6);
        RecordingOutput after = output(0).route(copy, b, 6);
        for (int c = 0; c < 6; c++) {
            assertThat(after.values(c, "k")).isEqualTo(before.values(c, "k"));
        }
    }
}
