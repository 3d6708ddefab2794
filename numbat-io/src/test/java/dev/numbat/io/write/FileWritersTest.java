package dev.numbat.io.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.parquet.ParquetSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class FileWritersTest {
    private static final int CHANNELS = 3;
    private static final int BATCHES = 4;
    private static final int ROWS = 2500;

    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Channel c gets ids [c * BATCHES * ROWS, (c + 1) * BATCHES * ROWS) in BATCHES batches. */
    private List<VectorSchemaRoot> input(int channel) {
        List<VectorSchemaRoot> out = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            out.add(IoTestSupport.mixedBatch(allocator, ((long) channel * BATCHES + b) * ROWS, ROWS));
        }
        return out;
    }

    private List<List<Object>> expectedRows() {
        List<List<Object>> rows = new ArrayList<>();
        try (VectorSchemaRoot all = IoTestSupport.mixedBatch(allocator, 0, CHANNELS * BATCHES * ROWS)) {
            rows.addAll(IoTestSupport.rows(all));
        }
        return rows;
    }

    private List<String> listNames(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<List<Object>> write(OperatorFactory factory, Path out) throws Exception {
        return IoTestSupport.runWriter(factory, CHANNELS, allocator, this::input);
    }

    private static List<Object> duckOne(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getObject(i));
            }
            return row;
        }
    }

    private static final String AGGREGATES = "count(*), sum(id), sum(n), sum(amount), count(d), max(d)::VARCHAR, "
            + "round(sum(x), 6), count(s), sum(length(s))";

    @Test
    void parquetRoundTripAcrossChannelsAndDuckDbAgrees() throws Exception {
        Path out = dir.resolve("pq");
        List<List<Object>> results = write(FileWriters.parquet(out.toString(), "w1"), out);
        assertThat(listNames(out)).containsExactly(
                "part-00000-w1.parquet", "part-00001-w1.parquet", "part-00002-w1.parquet");
        assertThat(results).hasSize(CHANNELS);
        assertThat(results).allSatisfy(r -> assertThat(r.get(1)).isEqualTo((long) BATCHES * ROWS));

        ParquetSource source = new ParquetSource(out.toString());
        assertThat(source.schema().getFields()).extracting(Field::getType)
                .isEqualTo(IoTestSupport.MIXED.getFields().stream().map(Field::getType).toList());
        List<List<Object>> back = IoTestSupport.sortedById(IoTestSupport.readAll(source, allocator));
        assertThat(back).isEqualTo(expectedRows());

        List<Object> duck = duckOne("SELECT " + AGGREGATES + " FROM read_parquet('" + out + "/*.parquet')");
        assertThat(duck).isEqualTo(ourAggregates());
    }

    @Test
    void parquetGathersSmallBatchesIntoOneRowGroup() throws Exception {
        // Arrow's writer would make each incoming batch a row group; small row groups slow every reader down.
        Path out = dir.resolve("groups");
        write(FileWriters.parquet(out.toString(), "w1"), out);
        List<Object> groups = duckOne("SELECT count(DISTINCT (file_name, row_group_id)), count(DISTINCT file_name), "
                + "sum(row_group_num_rows) FILTER (WHERE column_id = 0) FROM parquet_metadata('" + out + "/*.parquet')");
        assertThat(groups).containsExactly((long) CHANNELS, (long) CHANNELS,
                java.math.BigInteger.valueOf((long) CHANNELS * BATCHES * ROWS));
        assertThat(IoTestSupport.sortedById(IoTestSupport.readAll(new ParquetSource(out.toString()), allocator)))
                .isEqualTo(expectedRows());
    }

    /** {@link #AGGREGATES} computed in Java over the expected rows, typed as DuckDB's JDBC driver returns them. */
    private List<Object> ourAggregates() throws Exception {
        List<List<Object>> rows = expectedRows();
        long count = rows.size();
        long sumId = 0;
        long sumN = 0;
        BigDecimal sumAmount = BigDecimal.ZERO;
        long countD = 0;
        java.time.LocalDate maxD = null;
        double sumX = 0;
        long countS = 0;
        long lenS = 0;
        for (List<Object> r : rows) {
            sumId += (Long) r.get(0);
            sumN += r.get(1) == null ? 0 : (Integer) r.get(1);
            if (r.get(2) != null) {
                sumAmount = sumAmount.add((BigDecimal) r.get(2));
            }
            if (r.get(3) != null) {
                countD++;
                java.time.LocalDate d = (java.time.LocalDate) r.get(3);
                maxD = maxD == null || d.isAfter(maxD) ? d : maxD;
            }
            sumX += r.get(4) == null ? 0 : (Double) r.get(4);
            if (r.get(5) != null) {
                countS++;
                lenS += ((String) r.get(5)).codePointCount(0, ((String) r.get(5)).length());
            }
        }
        return List.of(count, java.math.BigInteger.valueOf(sumId), java.math.BigInteger.valueOf(sumN), sumAmount,
                countD, maxD.toString(), Math.round(sumX * 1e6) / 1e6, countS, java.math.BigInteger.valueOf(lenS));
    }

    @Test
    void csvIsReadBackByDuckDbExactly() throws Exception {
        Path out = dir.resolve("csv");
        write(FileWriters.csv(out.toString(), "c1"), out);
        assertThat(listNames(out)).containsExactly("part-00000-c1.csv", "part-00001-c1.csv", "part-00002-c1.csv");
        String text = Files.readString(out.resolve("part-00000-c1.csv"));
        assertThat(text).startsWith("id,n,amount,d,x,s\n");
        assertThat(text).contains("\" leading space#1\"").contains("\"comma, inside\"").contains("\"quote \"\" inside#13\"");

        String read = "read_csv('" + out + "/*.csv', header = true, allow_quoted_nulls = false, "
                + "columns = {'id': 'BIGINT', 'n': 'INTEGER', 'amount': 'DECIMAL(15,2)', 'd': 'DATE', 'x': 'DOUBLE', "
                + "'s': 'VARCHAR'})";
        assertThat(duckOne("SELECT " + AGGREGATES + " FROM " + read)).isEqualTo(ourAggregates());
        // Every string, including empty ones and ones with spaces, quotes and line breaks, survives exactly.
        List<List<Object>> expected = expectedRows();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, s, amount::VARCHAR FROM " + read + " ORDER BY id")) {
            int i = 0;
            while (rs.next()) {
                List<Object> e = expected.get(i++);
                assertThat(rs.getLong(1)).isEqualTo(e.get(0));
                assertThat(rs.getString(2)).isEqualTo(e.get(5));
                assertThat(rs.getString(3)).isEqualTo(e.get(2) == null ? null : ((BigDecimal) e.get(2)).toPlainString());
            }
            assertThat(i).isEqualTo(expected.size());
        }
    }

    @Test
    void csvOptionsDelimiterAndNoHeader() throws Exception {
        Path out = dir.resolve("tsv");
        IoTestSupport.runWriter(FileWriters.csv(out.toString(), "t", new CsvWriteOptions('\t', false)), 1, allocator,
                c -> List.of(IoTestSupport.mixedBatch(allocator, 0, 3)));
        String text = Files.readString(out.resolve("part-00000-t.csv"));
        assertThat(text.split("\n")[0]).isEqualTo("0\t-500\t-123.45\t1995-01-01\t-3.5\tplain");
        assertThat(text).doesNotContain("id\t");
        assertThatThrownBy(() -> new CsvWriteOptions('"', true)).isInstanceOf(NumbatException.class);
    }

    @Test
    void arrowIpcRoundTrip() throws Exception {
        Path out = dir.resolve("arrow");
        write(FileWriters.arrow(out.toString(), "a1"), out);
        assertThat(listNames(out)).containsExactly("part-00000-a1.arrow", "part-00001-a1.arrow", "part-00002-a1.arrow");
        ArrowIpcSource source = new ArrowIpcSource(out.toString());
        assertThat(source.schema()).isEqualTo(IoTestSupport.MIXED);
        assertThat(source.splits(1000)).hasSize(CHANNELS * BATCHES);
        assertThat(source.splits(1)).hasSize(CHANNELS);
        // files written by channel order, batches in order: the whole read is already sorted by id
        assertThat(IoTestSupport.readAll(source, allocator)).isEqualTo(expectedRows());
    }

    @Test
    void closeWithoutFinishLeavesNoFile() throws Exception {
        for (OperatorFactory factory : List.of(FileWriters.parquet(dir.toString(), "x"),
                FileWriters.csv(dir.toString(), "x"), FileWriters.arrow(dir.toString(), "x"))) {
            try (BufferAllocator channel = allocator.newChildAllocator("c", 0, Long.MAX_VALUE)) {
                Operator op = factory.create(0);
                op.open(IoTestSupport.context(0, 1, channel));
                op.process(0, IoTestSupport.mixedBatch(channel, 0, 1000), b -> b.close());
                op.process(0, IoTestSupport.mixedBatch(channel, 1000, 1000), b -> b.close());
                op.close();
            }
            assertThat(listNames(dir)).as(factory.name()).isEmpty();
        }
    }

    @Test
    void schemaChangeMidStreamFailsAndLeavesNoFile() throws Exception {
        Schema other = new Schema(List.of(Field.nullable("id", new ArrowType.Int(32, true))));
        for (OperatorFactory factory : List.of(FileWriters.parquet(dir.toString(), "x"),
                FileWriters.csv(dir.toString(), "x"), FileWriters.arrow(dir.toString(), "x"))) {
            try (BufferAllocator channel = allocator.newChildAllocator("c", 0, Long.MAX_VALUE)) {
                Operator op = factory.create(0);
                op.open(IoTestSupport.context(0, 1, channel));
                op.process(0, IoTestSupport.mixedBatch(channel, 0, 10), b -> b.close());
                VectorSchemaRoot bad = VectorSchemaRoot.create(other, channel);
                bad.getVector(0).setValueCount(1);
                bad.setRowCount(1);
                assertThatThrownBy(() -> op.process(0, bad, b -> b.close()))
                        .isInstanceOf(NumbatException.class)
                        .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
                op.close();
            }
            assertThat(listNames(dir)).as(factory.name()).isEmpty();
        }
    }

    @Test
    void nativeParquetWriterFailureSurfacesAndLeavesNoFile() throws Exception {
        // Parquet has no month-day-nano interval type: the native writer fails on the first batch.
        Schema schema = new Schema(List.of(Field.nullable("i", new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO))));
        try (BufferAllocator channel = allocator.newChildAllocator("c", 0, Long.MAX_VALUE)) {
            Operator op = FileWriters.parquet(dir.toString(), "bad").create(0);
            op.open(IoTestSupport.context(0, 1, channel));
            Throwable failure = null;
            try {
                for (int i = 0; i < 20; i++) {
                    VectorSchemaRoot b = VectorSchemaRoot.create(schema, channel);
                    ((IntervalMonthDayNanoVector) b.getVector(0)).setSafe(0, 1, 2, 3);
                    b.setRowCount(1);
                    op.process(0, b, x -> x.close());
                }
                op.finish(0, x -> x.close());
            } catch (NumbatException e) {
                failure = e;
            }
            op.close();
            assertThat(failure).isNotNull().hasMessageContaining("part-00000-bad.parquet");
        }
        assertThat(listNames(dir)).isEmpty();
    }

    @Test
    void emptyChannelWritesNoFileAndCleanupRemovesOnlyThatWrite() throws Exception {
        Path out = dir.resolve("mixed");
        List<List<Object>> results = IoTestSupport.runWriter(FileWriters.csv(out.toString(), "keep"), 2, allocator,
                c -> c == 0 ? List.of(IoTestSupport.mixedBatch(allocator, 0, 5)) : List.of());
        assertThat(results).hasSize(1);
        IoTestSupport.runWriter(FileWriters.parquet(out.toString(), "drop"), 2, allocator,
                c -> List.of(IoTestSupport.mixedBatch(allocator, c * 5L, 5)));
        Files.writeString(out.resolve(".part-00007-drop.csv.tmp"), "half written");
        assertThat(listNames(out)).containsExactly(".part-00007-drop.csv.tmp", "part-00000-drop.parquet",
                "part-00000-keep.csv", "part-00001-drop.parquet");
        assertThat(FileWriters.cleanup(out.toString(), "drop")).isEqualTo(3);
        assertThat(listNames(out)).containsExactly("part-00000-keep.csv");
        assertThatThrownBy(() -> FileWriters.cleanup(out.toString(), "../x")).isInstanceOf(NumbatException.class);
        assertThat(new String(Files.readAllBytes(out.resolve("part-00000-keep.csv")), StandardCharsets.UTF_8))
                .hasLineCount(6);
    }

    @Test
    void rerunningAChannelReplacesItsFile() throws Exception {
        Path out = dir.resolve("rerun");
        for (int attempt = 0; attempt < 2; attempt++) {
            IoTestSupport.runWriter(FileWriters.parquet(out.toString(), "r"), 2, allocator,
                    c -> List.of(IoTestSupport.mixedBatch(allocator, c * 100L, 100)));
        }
        assertThat(IoTestSupport.readAll(new ParquetSource(out.toString()), allocator)).hasSize(200);
    }
}
