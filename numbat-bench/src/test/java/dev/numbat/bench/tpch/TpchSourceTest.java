package dev.numbat.bench.tpch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import io.trino.tpch.LineItem;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TpchSourceTest {
    private static final double SF = 0.01;

    /** Row counts at SF 0.01 (dbgen's; lineitem has 1–7 lines per order). */
    private static final Map<String, Long> ROWS_AT_SF_001 = Map.of(
            "lineitem", 60_175L, "orders", 15_000L, "customer", 1_500L, "part", 2_000L,
            "partsupp", 8_000L, "supplier", 100L, "nation", 25L, "region", 5L);

    private BufferAllocator allocator;

    @BeforeEach
    void createAllocator() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void closeAllocator() {
        allocator.close(); // fails the test if a batch leaked
    }

    @Test
    void rowCountsAtScaleFactorOneHundredthMatchTheSpecification() {
        assertThat(TpchTables.NAMES).containsExactlyInAnyOrderElementsOf(ROWS_AT_SF_001.keySet());
        for (String table : TpchTables.NAMES) {
            long expected = ROWS_AT_SF_001.get(table);
            assertThat(TpchTables.rowCount(table, SF)).as(table).isEqualTo(expected);
            TpchSource source = new TpchSource(table, SF);
            assertThat(digest(source, source.splits(4)).rows).as(table).isEqualTo(expected);
        }
        assertThat(TpchTables.rowCount("lineitem", 1)).isEqualTo(6_001_215L);
        assertThat(TpchTables.rowCount("orders", 1)).isEqualTo(1_500_000L);
        assertThat(TpchTables.estimatedRowCount("lineitem", 1)).isEqualTo(6_000_000L);
        assertThatThrownBy(() -> TpchTables.rowCount("lineitem", 0.5)).isInstanceOf(NumbatException.class);
    }

    @Test
    void lineitemCountAtScaleFactorOneTenthMatchesTheTable() {
        TpchSource source = new TpchSource("lineitem", 0.1);
        long rows = 0;
        for (Split split : source.splits(2)) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                    rows += b.getRowCount();
                    b.close();
                }
            }
        }
        assertThat(rows).isEqualTo(TpchTables.rowCount("lineitem", 0.1));
    }

    @Test
    void everySplittingYieldsTheSameRowsInTheSameOrder() {
        for (String table : TpchTables.NAMES) {
            TpchSource source = new TpchSource(table, SF, 1000);
            Digest whole = digest(source, source.splits(1));
            assertThat(whole.duplicateKeys).as(table).isZero();
            // Explicit part counts reach the small tables, which splits(target) keeps whole.
            for (int parts : table.equals("nation") || table.equals("region") ? new int[0] : new int[] {2, 7}) {
                Digest split = digest(source, parts(table, parts));
                assertThat(split).as("%s in %d parts", table, parts).usingRecursiveComparison().isEqualTo(whole);
            }
            for (int target : new int[] {3, 16}) {
                Digest split = digest(source, source.splits(target));
                assertThat(split).as("%s, target %d", table, target).usingRecursiveComparison().isEqualTo(whole);
            }
        }
    }

    @Test
    void splitCountsFollowTheTargetAndTheTableSize() {
        assertThat(new TpchSource("lineitem", 1).splits(8)).hasSize(8);
        assertThat(new TpchSource("orders", SF).splits(100)).hasSize(14); // 15,000 orders / 1,024
        assertThat(new TpchSource("lineitem", SF).splits(100)).hasSize(14); // split by order
        assertThat(new TpchSource("supplier", SF).splits(8)).hasSize(1);
        assertThat(new TpchSource("nation", 100).splits(8)).hasSize(1);
        assertThat(new TpchSource("region", SF).splits(8)).hasSize(1);

        List<Split> splits = new TpchSource("lineitem", 1).splits(3);
        assertThat(splits.stream().mapToLong(s -> ((TpchSplit) s).estimatedRows()).sum()).isEqualTo(6_000_000L);
        assertThat(splits).allSatisfy(s -> assertThat(s.sizeBytes()).isGreaterThan(100L * 1_000_000));
        assertThat(splits.get(2).describe()).isEqualTo("tpch(lineitem, sf=1.0) part 3/3");
    }

    @Test
    void schemaHasTheSpecificationsTypesAndTheGeneratorsColumns() {
        ArrowType bigint = new ArrowType.Int(64, true);
        ArrowType integer = new ArrowType.Int(32, true);
        ArrowType decimal = new ArrowType.Decimal(15, 2, 128);
        ArrowType date = new ArrowType.Date(DateUnit.DAY);
        for (String table : TpchTables.NAMES) {
            List<Field> fields = TpchTables.schema(table).getFields();
            List<String> generatorColumns = TpchTable.getTable(table).getColumns().stream()
                    .map(TpchColumn::getColumnName).toList();
            assertThat(fields.stream().map(Field::getName).toList()).as(table).isEqualTo(generatorColumns);
            for (Field f : fields) {
                String name = f.getName();
                ArrowType expected;
                if (name.endsWith("key")) {
                    expected = bigint;
                } else if (Set.of("l_linenumber", "p_size", "ps_availqty", "o_shippriority").contains(name)) {
                    expected = integer;
                } else if (name.endsWith("date")) {
                    expected = date;
                } else if (name.matches(".*(price|acctbal|supplycost|quantity|discount|tax)")) {
                    expected = decimal;
                } else {
                    expected = ArrowType.Utf8.INSTANCE;
                }
                assertThat(f.getType()).as(name).isEqualTo(expected);
                assertThat(f.isNullable()).as(name).isFalse();
            }
        }
        assertThat(TpchTables.schema("lineitem").getFields()).hasSize(16);
        assertThat(TpchTables.schema("lineitem").findField("l_quantity").getType()).isEqualTo(decimal);
    }

    /** Every value of every table equals what the generator's own (slow, generic) column accessors give. */
    @Test
    void everyValueMatchesTheGeneratorsColumnAccessors() {
        for (String table : TpchTables.NAMES) {
            compareWithGenerator(TpchTable.getTable(table), 777);
        }
    }

    private <E extends TpchEntity> void compareWithGenerator(TpchTable<E> table, int batchRows) {
        TpchSource source = new TpchSource(table.getTableName(), SF, batchRows);
        Iterator<E> expected = table.createGenerator(SF, 1, 1).iterator();
        List<TpchColumn<E>> columns = table.getColumns();
        int batches = 0;
        for (Split split : source.splits(3)) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                    try (VectorSchemaRoot batch = b) {
                        batches++;
                        assertThat(batch.getRowCount()).isBetween(1, batchRows);
                        for (int row = 0; row < batch.getRowCount(); row++) {
                            E e = expected.next();
                            for (int c = 0; c < columns.size(); c++) {
                                TpchColumn<E> column = columns.get(c);
                                FieldVector v = batch.getVector(c);
                                assertThat(v.isNull(row)).isFalse();
                                Object actual = v.getObject(row);
                                Object want = switch (column.getType().getBase()) {
                                    case IDENTIFIER -> column.getIdentifier(e);
                                    case INTEGER -> column.getInteger(e);
                                    case DATE -> column.getDate(e);
                                    case DOUBLE -> BigDecimal.valueOf(column.getDouble(e))
                                            .setScale(2, RoundingMode.UNNECESSARY);
                                    case VARCHAR -> column.getString(e);
                                };
                                if (v instanceof DateDayVector d) {
                                    actual = d.get(row);
                                } else if (v instanceof VarCharVector s) {
                                    actual = new String(s.get(row), StandardCharsets.UTF_8);
                                }
                                assertThat(actual).as("%s row %s", column.getColumnName(), e.getRowNumber())
                                        .isEqualTo(want);
                            }
                        }
                    }
                }
            }
        }
        assertThat(expected.hasNext()).isFalse();
        long rows = TpchTables.rowCount(table.getTableName(), SF);
        assertThat(batches).isGreaterThanOrEqualTo((int) ((rows + batchRows - 1) / batchRows));
    }

    @Test
    void regionsAndNationsAreTheSpecifications() {
        assertThat(strings("region", 1)).containsExactly("AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST");
        List<String> nations = strings("nation", 1);
        assertThat(nations).hasSize(25);
        assertThat(nations.get(0)).isEqualTo("ALGERIA");
        assertThat(nations.get(24)).isEqualTo("UNITED STATES");
        TpchSource nation = new TpchSource("nation", SF);
        try (SplitReader reader = nation.open(nation.splits(1).get(0), allocator);
             VectorSchemaRoot batch = reader.next()) {
            assertThat(((BigIntVector) batch.getVector("n_nationkey")).get(24)).isEqualTo(24);
            assertThat(((BigIntVector) batch.getVector("n_regionkey")).get(24)).isEqualTo(1); // AMERICA
            assertThat(reader.next()).isNull();
        }
    }

    /** The first rows of dbgen's orders and lineitem at SF 1 and SF 0.01. */
    @Test
    void firstRowsAreDbgens() {
        assertThat(firstRow("orders", 1)).isEqualTo(
                "1|36901|O|173665.47|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously among |");
        assertThat(firstRow("orders", SF)).isEqualTo(
                "1|370|O|172799.49|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously among |");
        assertThat(firstRow("lineitem", 1)).isEqualTo("1|155190|7706|1|17.00|21168.23|0.04|0.02|N|O|"
                + "1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|");
        assertThat(firstRow("lineitem", SF)).isEqualTo("1|1552|93|1|17.00|24710.35|0.04|0.02|N|O|"
                + "1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|");
        assertThat(firstRow("customer", 1)).isEqualTo("1|Customer#000000001|IVhzIApeRb ot,c,E|15|25-989-741-2988|"
                + "711.56|BUILDING|to the even, regular platelets. regular, ironic epitaphs nag e|");
        assertThat(firstRow("part", 1)).startsWith("1|goldenrod lavender spring chocolate lace|Manufacturer#1|"
                + "Brand#13|PROMO BURNISHED COPPER|7|JUMBO PKG|901.00|");
    }

    /** Exact decimals: the sum of l_extendedprice from the generator's cents and from the vectors agree. */
    @Test
    void moneyIsExact() {
        long cents = 0;
        for (LineItem l : TpchTable.LINE_ITEM.createGenerator(SF, 1, 1)) {
            cents += l.getExtendedPriceInCents();
        }
        TpchSource source = new TpchSource("lineitem", SF);
        BigDecimal fromVectors = BigDecimal.ZERO;
        long unscaled = 0;
        for (Split split : source.splits(4)) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                    try (VectorSchemaRoot batch = b) {
                        DecimalVector price = (DecimalVector) batch.getVector("l_extendedprice");
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            BigDecimal p = price.getObject(i);
                            assertThat(p.scale()).isEqualTo(2);
                            fromVectors = fromVectors.add(p);
                            unscaled += p.unscaledValue().longValueExact();
                        }
                    }
                }
            }
        }
        assertThat(unscaled).isEqualTo(cents);
        assertThat(fromVectors).isEqualTo(BigDecimal.valueOf(cents, 2));
    }

    /**
     * TPC-H Q1 and Q6 computed exactly from the vectors equal the answers io.trino.tpch ships for SF 0.01
     * ({@code io/trino/tpch/queries/q1.result}, {@code q6.result}), to the last decimal place.
     */
    @Test
    void queriesOneAndSixMatchThePublishedAnswers() {
        int q1Cutoff = (int) LocalDate.of(1998, 9, 2).toEpochDay();
        int q6From = (int) LocalDate.of(1994, 1, 1).toEpochDay();
        int q6To = (int) LocalDate.of(1995, 1, 1).toEpochDay();
        Map<String, BigDecimal[]> q1 = new TreeMap<>();
        Map<String, Long> q1Count = new TreeMap<>();
        BigDecimal q6 = BigDecimal.ZERO;
        TpchSource source = new TpchSource("lineitem", SF);
        for (Split split : source.splits(2)) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                    try (VectorSchemaRoot batch = b) {
                        DecimalVector qty = (DecimalVector) batch.getVector("l_quantity");
                        DecimalVector price = (DecimalVector) batch.getVector("l_extendedprice");
                        DecimalVector disc = (DecimalVector) batch.getVector("l_discount");
                        DecimalVector tax = (DecimalVector) batch.getVector("l_tax");
                        VarCharVector flag = (VarCharVector) batch.getVector("l_returnflag");
                        VarCharVector status = (VarCharVector) batch.getVector("l_linestatus");
                        DateDayVector ship = (DateDayVector) batch.getVector("l_shipdate");
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            int day = ship.get(i);
                            BigDecimal p = price.getObject(i);
                            BigDecimal d = disc.getObject(i);
                            if (day <= q1Cutoff) {
                                String key = new String(flag.get(i), StandardCharsets.UTF_8) + "|"
                                        + new String(status.get(i), StandardCharsets.UTF_8);
                                BigDecimal discounted = p.multiply(BigDecimal.ONE.subtract(d));
                                BigDecimal[] s = q1.computeIfAbsent(key, k -> new BigDecimal[] {
                                        BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
                                s[0] = s[0].add(qty.getObject(i));
                                s[1] = s[1].add(p);
                                s[2] = s[2].add(discounted);
                                s[3] = s[3].add(discounted.multiply(BigDecimal.ONE.add(tax.getObject(i))));
                                q1Count.merge(key, 1L, Long::sum);
                            }
                            if (day >= q6From && day < q6To && d.compareTo(new BigDecimal("0.05")) >= 0
                                    && d.compareTo(new BigDecimal("0.07")) <= 0
                                    && qty.getObject(i).compareTo(new BigDecimal(24)) < 0) {
                                q6 = q6.add(p.multiply(d));
                            }
                        }
                    }
                }
            }
        }
        List<String> lines = new ArrayList<>();
        q1.forEach((k, s) -> lines.add(k + "|" + s[0].stripTrailingZeros().toPlainString() + "|"
                + s[1].toPlainString() + "|" + s[2].toPlainString() + "|" + s[3].toPlainString() + "|"
                + q1Count.get(k)));
        // From q1.result (sum_qty, sum_base_price, sum_disc_price, sum_charge, count; averages left out).
        assertThat(lines).containsExactly(
                "A|F|380456|532348211.65|505822441.4861|526165934.000839|14876",
                "N|F|8971|12384801.37|11798257.2080|12282485.056933|348",
                "N|O|742802|1041502841.45|989737518.6346|1029418531.523350|29181",
                "R|F|381449|534594445.35|507996454.4067|528524219.358903|14902");
        assertThat(q6).isEqualTo(new BigDecimal("1193053.2253"));
    }

    @Test
    void rejectsBadArgumentsWithUserErrors() {
        assertThatThrownBy(() -> new TpchSource("lineitems", 1))
                .isInstanceOfSatisfying(NumbatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR);
                    assertThat(e.getMessage()).contains("lineitems");
                });
        assertThatThrownBy(() -> new TpchSource("orders", 0)).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> new TpchSource("orders", Double.NaN)).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> new TpchSource("orders", 1).splits(0)).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> new TpchSplit("nation", SF, 1, 2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        Split foreign = new TpchSource("part", SF).splits(1).get(0);
        assertThatThrownBy(() -> new TpchSource("orders", SF).open(foreign, allocator))
                .isInstanceOf(NumbatException.class);
    }

    @Test
    void sourceAndSplitsSurviveSerialization() throws Exception {
        TpchSource source = roundTrip(new TpchSource(TpchTable.ORDERS, SF));
        Split split = roundTrip(source.splits(3).get(1));
        assertThat(source.describe()).isEqualTo("tpch(orders, sf=0.01)");
        long rows = 0;
        try (SplitReader reader = source.open(split, allocator)) {
            for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                rows += b.getRowCount();
                b.close();
            }
        }
        assertThat(rows).isEqualTo(((TpchSplit) split).estimatedRows()).isEqualTo(15_000 / 3);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private List<Split> parts(String table, int parts) {
        List<Split> splits = new ArrayList<>();
        for (int part = 1; part <= parts; part++) {
            splits.add(new TpchSplit(table, SF, part, parts, 0, 0));
        }
        return splits;
    }

    private List<String> strings(String table, int column) {
        TpchSource source = new TpchSource(table, SF);
        List<String> values = new ArrayList<>();
        try (SplitReader reader = source.open(source.splits(1).get(0), allocator);
             VectorSchemaRoot batch = reader.next()) {
            VarCharVector v = (VarCharVector) batch.getVector(column);
            for (int i = 0; i < batch.getRowCount(); i++) {
                values.add(new String(v.get(i), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** The first row formatted like dbgen's .tbl files (decimals always with two places). */
    private String firstRow(String table, double scaleFactor) {
        TpchSource source = new TpchSource(table, scaleFactor, 1);
        try (SplitReader reader = source.open(source.splits(1).get(0), allocator);
             VectorSchemaRoot batch = reader.next()) {
            assertThat(batch.getRowCount()).isEqualTo(1);
            StringBuilder line = new StringBuilder();
            for (FieldVector v : batch.getFieldVectors()) {
                if (v instanceof DateDayVector d) {
                    line.append(LocalDate.ofEpochDay(d.get(0)));
                } else if (v instanceof DecimalVector d) {
                    line.append(d.getObject(0).toPlainString());
                } else {
                    line.append(v.getObject(0));
                }
                line.append('|');
            }
            return line.toString();
        }
    }

    /** An order-sensitive fingerprint of a whole table plus order-insensitive sums and a duplicate check. */
    static final class Digest {
        long rows;
        long hash = 17;
        long keySum;
        long intSum;
        long dateSum;
        BigDecimal moneySum = BigDecimal.ZERO;
        long textBytes;
        long duplicateKeys;
    }

    private Digest digest(TpchSource source, List<Split> splits) {
        Digest d = new Digest();
        Set<String> keys = new HashSet<>();
        String table = source.table();
        for (Split split : splits) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b; (b = reader.next()) != null; ) {
                    try (VectorSchemaRoot batch = b) {
                        assertThat(batch.getSchema()).isEqualTo(source.schema());
                        for (FieldVector v : batch.getFieldVectors()) {
                            assertThat(v.getNullCount()).isZero();
                        }
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            for (FieldVector v : batch.getFieldVectors()) {
                                long h;
                                if (v instanceof BigIntVector x) {
                                    h = x.get(i);
                                    d.keySum += h;
                                } else if (v instanceof IntVector x) {
                                    h = x.get(i);
                                    d.intSum += h;
                                } else if (v instanceof DateDayVector x) {
                                    h = x.get(i);
                                    d.dateSum += h;
                                } else if (v instanceof DecimalVector x) {
                                    BigDecimal m = x.getObject(i);
                                    d.moneySum = d.moneySum.add(m);
                                    h = m.hashCode();
                                } else {
                                    byte[] bytes = ((VarCharVector) v).get(i);
                                    d.textBytes += bytes.length;
                                    h = java.util.Arrays.hashCode(bytes);
                                }
                                d.hash = d.hash * 1_000_003 + h;
                            }
                            String key = switch (table) {
                                case "lineitem" -> key(batch, 0, i) + "/" + ((IntVector) batch.getVector(3)).get(i);
                                case "partsupp" -> key(batch, 0, i) + "/" + key(batch, 1, i);
                                default -> String.valueOf(key(batch, 0, i));
                            };
                            if (!keys.add(key)) {
                                d.duplicateKeys++;
                            }
                            d.rows++;
                        }
                    }
                }
            }
        }
        return d;
    }

    private static long key(VectorSchemaRoot batch, int column, int row) {
        return ((BigIntVector) batch.getVector(column)).get(row);
    }
}
