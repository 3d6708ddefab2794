package dev.numbat.io.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same generated CSV read by Numbat and by DuckDB's read_csv: types and aggregates must agree. */
class CsvDuckDbOracleTest {
    private static final int ROWS = 200_000;

    @TempDir
    Path dir;

    /** Writes id, qty, price, amount, day, at, flag, name with nulls, quoting and padded text. */
    static void generate(Path file, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("id,qty,price,amount,day,at,flag,name\n");
            LocalDateTime base = LocalDateTime.of(2020, 1, 1, 0, 0);
            for (int i = 0; i < rows; i++) {
                w.write(Integer.toString(i));
                w.write(',');
                if (random.nextInt(50) != 0) {
                    w.write(Long.toString(random.nextInt(2_000_000) - 1_000_000L));
                }
                w.write(',');
                w.write(Double.toString(random.nextDouble() * 1000 - 100));
                w.write(',');
                long cents = random.nextInt(100_000_000) - 1_000_000;
                w.write(BigDecimal.valueOf(cents, 2).toPlainString());
                w.write(',');
                w.write(LocalDate.of(1992, 1, 1).plusDays(random.nextInt(2500)).toString());
                w.write(',');
                LocalDateTime at = base.plusSeconds(random.nextInt(100_000_000)).plusNanos(random.nextInt(1000) * 1000L);
                w.write(at.toLocalDate() + " " + at.toLocalTime());
                w.write(',');
                w.write(random.nextBoolean() ? "true" : "false");
                w.write(',');
                switch (random.nextInt(4)) {
                    case 0 -> w.write("plain" + random.nextInt(1000));
                    case 1 -> w.write("\" padded, with comma " + random.nextInt(1000) + " \"");
                    case 2 -> w.write("\"quote \"\"" + random.nextInt(1000) + "\"\"\"");
                    default -> { } // NULL
                }
                w.write('\n');
            }
        }
    }

    @Test
    void inferredTypesAndAggregatesMatchDuckDb() throws Exception {
        Path file = dir.resolve("gen.csv");
        generate(file, ROWS, 42);
        Schema explicit = new Schema(List.of(
                field("id", new ArrowType.Int(64, true)), field("qty", new ArrowType.Int(64, true)),
                field("price", CsvColumnType.FLOAT8), field("amount", new ArrowType.Decimal(15, 2, 128)),
                field("day", CsvColumnType.DATE_DAY), field("at", CsvColumnType.TIMESTAMP_MICROS),
                field("flag", ArrowType.Bool.INSTANCE), field("name", ArrowType.Utf8.INSTANCE)));

        CsvSource inferred = new CsvSource(file.toString());
        List<String> ourTypes = new ArrayList<>();
        for (Field f : inferred.schema().getFields()) {
            ourTypes.add(CsvColumnType.sqlName(f));
        }
        Aggregates ours;
        try (BufferAllocator allocator = TestAllocator.create()) {
            CsvSource source = new CsvSource(file.toString(),
                    CsvOptions.defaults().withSchema(explicit).withMinSplitBytes(1 << 20));
            List<Split> splits = source.splits(7);
            assertThat(splits.size()).isGreaterThan(3);
            ours = aggregate(source, splits, allocator);
        }

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            List<String> duckTypes = new ArrayList<>();
            try (Statement st = duck.createStatement();
                    ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_csv('" + file + "')")) {
                while (rs.next()) {
                    duckTypes.add(rs.getString("column_type"));
                }
            }
            // DuckDB infers DOUBLE for the 2-decimal column, as we do.
            assertThat(ourTypes).isEqualTo(duckTypes);

            String sql = "SELECT count(*), sum(id), sum(qty), count(qty), sum(price), sum(amount)::VARCHAR, "
                    + "min(day)::VARCHAR, max(day)::VARCHAR, epoch_us(min(\"at\")), epoch_us(max(\"at\")), "
                    + "sum(epoch_us(\"at\") % 1000003), count(*) FILTER (flag), count(name), sum(length(name)), "
                    + "min(name), max(name) FROM read_csv('" + file + "', types={'amount': 'DECIMAL(15,2)'})";
            try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                assertThat(rs.next()).isTrue();
                assertThat(ours.count).isEqualTo(rs.getLong(1)).isEqualTo(ROWS);
                assertThat(ours.sumId).isEqualTo(rs.getLong(2));
                assertThat(ours.sumQty).isEqualTo(rs.getLong(3));
                assertThat(ours.countQty).isEqualTo(rs.getLong(4)).isLessThan(ROWS);
                assertThat(ours.sumPrice).isCloseTo(rs.getDouble(5), within(1e-9 * Math.abs(rs.getDouble(5))));
                assertThat(ours.sumAmount).isEqualByComparingTo(new BigDecimal(rs.getString(6)));
                assertThat(LocalDate.ofEpochDay(ours.minDay).toString()).isEqualTo(rs.getString(7));
                assertThat(LocalDate.ofEpochDay(ours.maxDay).toString()).isEqualTo(rs.getString(8));
                assertThat(ours.minAt).isEqualTo(rs.getLong(9));
                assertThat(ours.maxAt).isEqualTo(rs.getLong(10));
                assertThat(ours.atHash).isEqualTo(rs.getLong(11));
                assertThat(ours.countTrue).isEqualTo(rs.getLong(12));
                assertThat(ours.countName).isEqualTo(rs.getLong(13));
                assertThat(ours.sumNameLength).isEqualTo(rs.getLong(14));
                assertThat(ours.minName).isEqualTo(rs.getString(15));
                assertThat(ours.maxName).isEqualTo(rs.getString(16));
            }
            // A few strings row by row, including the padded, quoted ones.
            try (BufferAllocator allocator = TestAllocator.create();
                    Statement st = duck.createStatement();
                    ResultSet rs = st.executeQuery("SELECT name FROM read_csv('" + file + "') WHERE id < 200 ORDER BY id")) {
                CsvSource source = new CsvSource(file.toString(), CsvOptions.defaults().withBatchRows(200));
                try (SplitReader reader = source.open(source.splits(1).get(0), allocator);
                        VectorSchemaRoot batch = reader.next()) {
                    VarCharVector names = (VarCharVector) batch.getVector("name");
                    for (int i = 0; i < 200; i++) {
                        assertThat(rs.next()).isTrue();
                        String expected = rs.getString(1);
                        assertThat(names.isNull(i) ? null : names.getObject(i).toString()).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    static final class Aggregates {
        long count;
        long sumId;
        long sumQty;
        long countQty;
        double sumPrice;
        BigDecimal sumAmount = BigDecimal.ZERO;
        int minDay = Integer.MAX_VALUE;
        int maxDay = Integer.MIN_VALUE;
        long minAt = Long.MAX_VALUE;
        long maxAt = Long.MIN_VALUE;
        long atHash;
        long countTrue;
        long countName;
        long sumNameLength;
        String minName;
        String maxName;
    }

    private static Aggregates aggregate(CsvSource source, List<Split> splits, BufferAllocator allocator)
            throws SQLException {
        Aggregates a = new Aggregates();
        for (Split split : splits) {
            try (SplitReader reader = source.open(split, allocator)) {
                VectorSchemaRoot next;
                while ((next = reader.next()) != null) {
                    try (VectorSchemaRoot b = next) {
                        BigIntVector id = (BigIntVector) b.getVector("id");
                        BigIntVector qty = (BigIntVector) b.getVector("qty");
                        Float8Vector price = (Float8Vector) b.getVector("price");
                        DecimalVector amount = (DecimalVector) b.getVector("amount");
                        DateDayVector day = (DateDayVector) b.getVector("day");
                        TimeStampMicroVector at = (TimeStampMicroVector) b.getVector("at");
                        BitVector flag = (BitVector) b.getVector("flag");
                        VarCharVector name = (VarCharVector) b.getVector("name");
                        for (int i = 0; i < b.getRowCount(); i++) {
                            a.count++;
                            a.sumId += id.get(i);
                            if (!qty.isNull(i)) {
                                a.sumQty += qty.get(i);
                                a.countQty++;
                            }
                            a.sumPrice += price.get(i);
                            a.sumAmount = a.sumAmount.add(amount.getObject(i));
                            a.minDay = Math.min(a.minDay, day.get(i));
                            a.maxDay = Math.max(a.maxDay, day.get(i));
                            a.minAt = Math.min(a.minAt, at.get(i));
                            a.maxAt = Math.max(a.maxAt, at.get(i));
                            a.atHash += at.get(i) % 1000003;
                            a.countTrue += flag.get(i);
                            if (!name.isNull(i)) {
                                String s = name.getObject(i).toString();
                                a.countName++;
                                a.sumNameLength += s.length();
                                a.minName = a.minName == null || s.compareTo(a.minName) < 0 ? s : a.minName;
                                a.maxName = a.maxName == null || s.compareTo(a.maxName) > 0 ? s : a.maxName;
                            }
                        }
                    }
                }
            }
        }
        return a;
    }
}
