package dev.numbat.io.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.write.IoTestSupport;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ParquetSourceTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close(); // fails on leaked buffers
    }

    static final String DUCK_QUERY = """
            SELECT i::BIGINT AS id,
                   CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 1000 - 500)::INTEGER END AS n,
                   CASE WHEN i % 11 = 5 THEN NULL ELSE (i * 37 % 1000000 / 100.0 - 123.45)::DECIMAL(15,2) END AS amount,
                   CASE WHEN i % 13 = 1 THEN NULL ELSE DATE '1995-01-01' + (i % 3000)::INTEGER END AS d,
                   CASE WHEN i % 17 = 2 THEN NULL ELSE i * 0.25 - 3.5 END AS x,
                   CASE WHEN i % 19 = 4 THEN NULL WHEN i % 5 = 0 THEN ' pad ' || i::VARCHAR ELSE 'v' || i::VARCHAR END AS s
            FROM range(0, ROWS) t(i)""";

    static void duckParquet(Path file, int rows, String options) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (" + DUCK_QUERY.replace("ROWS", Integer.toString(rows)) + ") TO '" + file + "' (FORMAT PARQUET" + options + ")");
        }
    }

    static List<List<Object>> duckRows(String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object o = rs.getObject(i);
                    if (o instanceof java.sql.Date date) {
                        o = date.toLocalDate();
                    } else if (o instanceof Integer && rs.getMetaData().getColumnType(i) == java.sql.Types.DATE) {
                        o = rs.getDate(i).toLocalDate();
                    }
                    row.add(o);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void readsDuckDbFileWithAllTypesAndNulls() throws Exception {
        Path file = dir.resolve("duck.parquet");
        duckParquet(file, 20_000, ", ROW_GROUP_SIZE 4096");
        ParquetSource source = new ParquetSource(file.toString(), null, 5000);

        var fields = source.schema().getFields();
        assertThat(fields).extracting(f -> f.getName()).containsExactly("id", "n", "amount", "d", "x", "s");
        assertThat(fields.get(0).getType()).isEqualTo(new ArrowType.Int(64, true));
        assertThat(fields.get(1).getType()).isEqualTo(new ArrowType.Int(32, true));
        assertThat(fields.get(2).getType()).isEqualTo(new ArrowType.Decimal(15, 2, 128));
        assertThat(fields.get(3).getType()).isEqualTo(new ArrowType.Date(DateUnit.DAY));
        assertThat(fields.get(5).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);

        // One target split: the file fits it, so it is one whole-file split for the native reader.
        List<Split> splits = source.splits(1);
        assertThat(splits).hasSize(1);
        assertThat(splits.get(0)).isInstanceOf(ParquetSource.FileSplit.class);
        int batches = 0;
        List<List<Object>> rows = new ArrayList<>();
        try (SplitReader reader = source.open(splits.get(0), allocator)) {
            VectorSchemaRoot b;
            while ((b = reader.next()) != null) {
                try (VectorSchemaRoot batch = b) {
                    assertThat(b.getRowCount()).isBetween(1, 5000);
                    assertThat(b.getSchema()).isEqualTo(source.schema());
                    assertThat(b.getFieldVectors().get(0).getAllocator()).isSameAs(allocator);
                    rows.addAll(IoTestSupport.rows(b));
                    batches++;
                }
            }
            assertThat(reader.next()).isNull();
        }
        assertThat(batches).isGreaterThanOrEqualTo(4);
        List<List<Object>> expected = duckRows("SELECT * FROM read_parquet('" + file + "') ORDER BY id");
        assertThat(IoTestSupport.sortedById(rows)).isEqualTo(expected);
        // spot-check that values are real, not just equal by accident
        assertThat(expected.get(3).get(1)).isNull();
        assertThat(expected.get(1).get(2)).isEqualTo(new BigDecimal("-123.08"));
    }

    @Test
    void projectsColumnsInTheGivenOrder() throws Exception {
        Path file = dir.resolve("p.parquet");
        duckParquet(file, 3000, "");
        ParquetSource source = new ParquetSource(file.toString()).withColumns(List.of("s", "id"));
        assertThat(source.schema().getFields()).extracting(f -> f.getName()).containsExactly("s", "id");
        List<List<Object>> rows = IoTestSupport.readAll(source, allocator);
        List<List<Object>> expected = duckRows("SELECT s, id FROM read_parquet('" + file + "')");
        rows.sort(java.util.Comparator.comparingLong(r -> (Long) r.get(1)));
        expected.sort(java.util.Comparator.comparingLong(r -> (Long) r.get(1)));
        assertThat(rows).isEqualTo(expected);

        assertThatThrownBy(() -> new ParquetSource(file.toString()).withColumns(List.of("nope")).schema())
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("nope").hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }

    @Test
    void oneSplitPerFileOfADirectory() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        duckParquet(data.resolve("a.parquet"), 1000, "");
        duckParquet(data.resolve("b.parquet"), 2000, "");
        Files.writeString(data.resolve("_SUCCESS"), "");
        ParquetSource source = new ParquetSource(data.toString());
        assertThat(source.splits(8)).hasSize(2);
        assertThat(IoTestSupport.readAll(source, allocator)).hasSize(3000);
        assertThat(IoTestSupport.readAll(new ParquetSource(data + "/b*.parquet"), allocator)).hasSize(2000);
    }

    @Test
    void corruptFileIsAUserErrorNamingTheFile() throws Exception {
        Path bad = dir.resolve("bad.parquet");
        Files.write(bad, "this is not parquet at all, just some text".getBytes());
        ParquetSource source = new ParquetSource(bad.toString());
        assertThatThrownBy(source::schema)
                .isInstanceOf(NumbatException.class).hasMessageContaining(bad.toString())
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        Split split = new ParquetSource.FileSplit(bad.toString(), 10);
        Path good = dir.resolve("good.parquet");
        duckParquet(good, 10, "");
        ParquetSource withGoodSchema = new ParquetSource(good.toString());
        withGoodSchema.schema();
        assertThatThrownBy(() -> withGoodSchema.open(split, allocator).close())
                .isInstanceOf(NumbatException.class).hasMessageContaining(bad.toString())
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));

        // truncated: a real file with its footer cut off
        Path truncated = dir.resolve("truncated.parquet");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> new ParquetSource(truncated.toString()).schema())
                .isInstanceOf(NumbatException.class).hasMessageContaining(truncated.toString());

        assertThatThrownBy(() -> new ParquetSource(dir.resolve("missing.parquet").toString()).schema())
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }

    @Test
    void closingEarlyReleasesEverything() throws Exception {
        Path file = dir.resolve("early.parquet");
        duckParquet(file, 50_000, "");
        ParquetSource source = new ParquetSource(file.toString(), null, 1000);
        try (SplitReader reader = source.open(source.splits(1).get(0), allocator)) {
            reader.next().close();
            VectorSchemaRoot kept = reader.next();
            reader.close();
            // a batch the caller owns stays valid after the reader is closed
            assertThat(kept.getRowCount()).isEqualTo(1000);
            kept.close();
        }
    }

    @Test
    void batchesOutliveTheReaderAndTheChannelAllocator() throws Exception {
        // Batches are handed over, not copied; the import's native structs must not pin the channel's allocator.
        Path file = dir.resolve("outlive.parquet");
        duckParquet(file, 5_000, "");
        ParquetSource source = new ParquetSource(file.toString(), List.of("id", "s"), 1000);
        BufferAllocator downstream = allocator.newChildAllocator("downstream", 0, Long.MAX_VALUE);
        List<VectorSchemaRoot> moved = new ArrayList<>();
        try (BufferAllocator channel = allocator.newChildAllocator("channel", 0, Long.MAX_VALUE)) {
            try (SplitReader reader = source.open(source.splits(1).get(0), channel)) {
                VectorSchemaRoot b;
                while ((b = reader.next()) != null) {
                    assertThat(channel.getAllocatedMemory()).isPositive();
                    VectorSchemaRoot m = VectorSchemaRoot.create(b.getSchema(), downstream);
                    for (int i = 0; i < b.getFieldVectors().size(); i++) {
                        b.getVector(i).makeTransferPair(m.getVector(i)).transfer();
                    }
                    m.setRowCount(b.getRowCount());
                    b.close();
                    moved.add(m);
                }
            }
        } // the channel closes while its batches live on downstream
        long rows = 0;
        for (VectorSchemaRoot m : moved) {
            assertThat(((org.apache.arrow.vector.BigIntVector) m.getVector("id")).get(0)).isEqualTo(rows);
            rows += m.getRowCount();
            m.close();
        }
        assertThat(rows).isEqualTo(5_000);
        downstream.close();
        assertThat(allocator.getChildAllocators()).isEmpty(); // the import allocator closed itself
    }
}
