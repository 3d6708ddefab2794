package dev.numbat.io.parquet;

import static dev.numbat.io.parquet.ParquetSourceTest.duckParquet;
import static dev.numbat.io.parquet.ParquetSourceTest.duckRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.parquet.ParquetSource.FileSplit;
import dev.numbat.io.parquet.ParquetSource.RowGroupSplit;
import dev.numbat.io.parquet.ParquetSource.ScanPlan;
import dev.numbat.io.write.FileWriters;
import dev.numbat.io.write.IoTestSupport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Row-group splits (the pure-Java reader), row-group pruning, and the native reader's batch ownership. */
@Timeout(120)
class ParquetRowGroupTest {
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

    private static void duck(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The nation table's shape: 25 rows, not-null keys, VARCHAR names and long comments. */
    private Path writeNationLike() throws Exception {
        Schema schema = new Schema(List.of(
                IoTestSupport.notNull("n_nationkey", new ArrowType.Int(64, true)),
                IoTestSupport.notNull("n_name", ArrowType.Utf8.INSTANCE),
                IoTestSupport.notNull("n_comment", ArrowType.Utf8.INSTANCE)));
        Path out = dir.resolve("nation");
        IoTestSupport.runWriter(FileWriters.parquet(out.toString(), "w1"), 1, allocator, c -> {
            VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
            for (int i = 0; i < 25; i++) {
                ((BigIntVector) root.getVector(0)).setSafe(i, i);
                ((VarCharVector) root.getVector(1)).setSafe(i, ("NATION" + i).getBytes(StandardCharsets.UTF_8));
                ((VarCharVector) root.getVector(2)).setSafe(i, (" haggle. carefully final deposits detect slyly agai "
                        + "ironic requests " + i + " among the furiously regular pinto beans")
                        .getBytes(StandardCharsets.UTF_8));
            }
            root.setRowCount(25);
            return List.of(root);
        });
        return out;
    }

    @Test
    void nativeBatchesOutliveTheReaderAndItsAllocator() throws Exception {
        // The demo's failure: a scan channel hands its batches downstream (Batches.transfer into the
        // consumer's allocator), finishes and closes its allocator while the consumer still holds the last
        // batch. Imported C-data batches pinned 128 bytes in the channel allocator until then.
        Path nation = writeNationLike();
        ParquetSource source = new ParquetSource(nation.toString()).withRowGroupSplitBytes(0);
        List<VectorSchemaRoot> downstream = new ArrayList<>();
        try (BufferAllocator consumer = allocator.newChildAllocator("consumer", 0, Long.MAX_VALUE)) {
            try (BufferAllocator channel = allocator.newChildAllocator("parquet(nation)#0/0", 0, Long.MAX_VALUE)) {
                for (Split split : source.splits(2)) {
                    assertThat(split).isInstanceOf(FileSplit.class);
                    try (SplitReader reader = source.open(split, channel)) {
                        VectorSchemaRoot b;
                        while ((b = reader.next()) != null) {
                            downstream.add(Batches.transfer(b, consumer));
                        }
                    }
                }
            } // closing the channel allocator fails on a leak
            long rows = downstream.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
            assertThat(rows).isEqualTo(25);
            assertThat(IoTestSupport.rows(downstream.get(0)).get(24).get(2).toString()).contains("requests 24 among");
            downstream.forEach(VectorSchemaRoot::close);
        }
    }

    /** Rows of one split, in order. */
    private List<List<Object>> read(ParquetSource source, Split split) {
        List<List<Object>> rows = new ArrayList<>();
        try (SplitReader reader = source.open(split, allocator)) {
            VectorSchemaRoot b;
            while ((b = reader.next()) != null) {
                try (VectorSchemaRoot batch = b) {
                    assertThat(b.getSchema()).isEqualTo(source.schema());
                    assertThat(b.getRowCount()).isBetween(1, source.batchSize());
                    for (List<Object> row : IoTestSupport.rows(b)) {
                        // byte[] compares by identity: compare binary values as hex
                        rows.add(row.stream().map(v -> v instanceof byte[] a ? (Object) HexFormat.of().formatHex(a) : v)
                                .toList());
                    }
                }
            }
        }
        return rows;
    }

    private List<List<Object>> readAll(ParquetSource source, List<Split> splits) {
        List<List<Object>> rows = new ArrayList<>();
        splits.forEach(s -> rows.addAll(read(source, s)));
        return rows;
    }

    private static void assertSameRows(List<List<Object>> actual, List<List<Object>> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("row %d", i).isEqualTo(expected.get(i));
        }
    }

    /** Reads {@code file} whole with the native reader and as row-group splits with the Java reader. */
    private void assertRoutesAgree(Path file, int expectedRows) {
        ParquetSource source = new ParquetSource(file.toString(), null, 700).withRowGroupSplitBytes(0);
        List<List<Object>> jni = read(source, new FileSplit(file.toString(), 1));
        ScanPlan plan = source.plan(4);
        assertThat(plan.rowGroups()).as("row groups of " + file).isGreaterThan(1);
        assertThat(plan.splits()).hasSizeGreaterThan(1).allMatch(s -> s instanceof RowGroupSplit);
        assertSameRows(readAll(source, plan.splits()), jni);
        // by default a small file stays whole for the faster native reader
        assertThat(new ParquetSource(file.toString()).plan(4).splits()).singleElement().isInstanceOf(FileSplit.class);
        // every row group in one Java-read split too
        List<Integer> all = IntStream.range(0, plan.rowGroups()).boxed().toList();
        assertThat(read(source, new RowGroupSplit(file.toString(), all, 1))).isEqualTo(jni);
        assertThat(jni).hasSize(expectedRows);
        // projection, in another order
        ParquetSource projected = source.withColumns(List.of(source.schema().getFields().get(2).getName(),
                source.schema().getFields().get(0).getName()));
        List<List<Object>> pj = read(projected, new FileSplit(file.toString(), 1));
        assertThat(readAll(projected, projected.plan(3).splits())).isEqualTo(pj);
    }

    @Test
    void javaAndNativeRoutesAgreeOnDuckDbFilesWithEveryCodec() throws Exception {
        for (String codec : List.of("snappy", "zstd", "gzip", "uncompressed")) {
            Path file = dir.resolve("duck-" + codec + ".parquet");
            duckParquet(file, 9000, ", ROW_GROUP_SIZE 2048, COMPRESSION " + codec);
            assertRoutesAgree(file, 9000);
        }
    }

    @Test
    void javaAndNativeRoutesAgreeOnManyTypes() throws Exception {
        Path file = dir.resolve("types.parquet");
        duck("COPY (SELECT i::BIGINT AS id, (i % 3 = 0) AS b, (i % 100 - 50)::TINYINT AS t, (i * 7 % 30000)::SMALLINT AS sm,"
                + " CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 1.5)::REAL END AS f,"
                + " (i * 123457 % 1000000 / 1000.0)::DECIMAL(9,3) AS d9,"
                + " CASE WHEN i % 4 = 1 THEN NULL ELSE (i * 98765431 / 100.0 - 5e7)::DECIMAL(18,2) END AS d18,"
                + " (i * 1234567891.123 - 1e12)::DECIMAL(38,10) AS d38,"
                + " TIMESTAMP '2000-01-01 00:00:00' + to_microseconds(i * 1234567) AS ts,"
                + " CASE WHEN i % 6 = 2 THEN NULL ELSE repeat('x', (i % 40)::INTEGER) || i::VARCHAR END AS s,"
                + " ('blob' || i::VARCHAR)::BLOB AS bl,"
                + " i::UINTEGER AS u"
                + " FROM range(0, 7000) t(i)) TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)");
        ParquetSource source = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        assertThat(source.schema().findField("d38").getType()).isEqualTo(new ArrowType.Decimal(38, 10, 128));
        assertRoutesAgree(file, 7000);
    }

    @Test
    void javaAndNativeRoutesAgreeOnOurOwnWritersFiles() throws Exception {
        Path out = dir.resolve("own");
        IoTestSupport.runWriter(FileWriters.parquet(out.toString(), "w2"), 1, allocator,
                c -> List.of(IoTestSupport.mixedBatch(allocator, 0, 6000), IoTestSupport.mixedBatch(allocator, 6000, 6000)));
        Path file;
        try (Stream<Path> files = Files.list(out)) {
            file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        ParquetSource source = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        if (source.plan(4).rowGroups() > 1) {
            assertRoutesAgree(file, 12_000);
        }
        // Whatever its row grouping, every row group read by the Java reader equals the native read.
        List<List<Object>> jni = read(source, new FileSplit(file.toString(), 1));
        List<Integer> all = IntStream.range(0, source.plan(1).rowGroups()).boxed().toList();
        assertThat(read(source, new RowGroupSplit(file.toString(), all, 1))).isEqualTo(jni).hasSize(12_000);
        assertThat(IoTestSupport.sortedById(jni)).isEqualTo(duckRows("SELECT * FROM read_parquet('" + file + "') ORDER BY id"));
    }

    @Test
    void splitsAreRunsOfRowGroupsAndSmallFilesStayWhole() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        duckParquet(data.resolve("a.parquet"), 20_000, ", ROW_GROUP_SIZE 2048");
        duckParquet(data.resolve("b.parquet"), 500, "");
        ParquetSource source = new ParquetSource(data.toString()).withRowGroupSplitBytes(0);
        ScanPlan plan = source.plan(4);
        assertThat(plan.files()).isEqualTo(2);
        assertThat(plan.rowGroupsPruned()).isZero();
        List<Split> splits = plan.splits();
        assertThat(splits.get(splits.size() - 1)).isInstanceOf(FileSplit.class); // one row group
        assertThat(splits.subList(0, splits.size() - 1)).allMatch(s -> s instanceof RowGroupSplit).hasSizeBetween(3, 5);
        List<Integer> covered = new ArrayList<>();
        splits.stream().filter(s -> s instanceof RowGroupSplit).forEach(s -> covered.addAll(((RowGroupSplit) s).rowGroups()));
        assertThat(covered).isEqualTo(IntStream.range(0, plan.rowGroups() - 1).boxed().toList());
        assertThat(source.plan(1).splits()).hasSize(2).allMatch(s -> s instanceof FileSplit);
        assertThat(IoTestSupport.sortedById(IoTestSupport.readAll(source, allocator))).hasSize(20_500);
    }

    /** Sorted data, 1000-row row groups: id, a nullable value, a sortable string, a date, a decimal. */
    private Path sortedFile() throws Exception {
        Path file = dir.resolve("sorted.parquet");
        duck("COPY (SELECT i::BIGINT AS id, CASE WHEN i < 5000 THEN NULL ELSE i END AS maybe,"
                + " 'k' || lpad(i::VARCHAR, 6, '0') AS k, DATE '2000-01-01' + i::INTEGER AS d,"
                + " (i / 100.0)::DECIMAL(12,2) AS amount, i / 4.0 AS x"
                + " FROM range(0, 20000) t(i) ORDER BY i) TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)");
        return file;
    }

    /**
     * Reads with the filter and checks that exactly the row groups holding a matching row were read (the
     * data is sorted, so statistics are exact), all their rows, and among them exactly DuckDB's matches.
     */
    private void assertPrunes(Path file, ParquetFilter filter, String sqlPredicate, Predicate<List<Object>> matches)
            throws Exception {
        assertPrunes(file, filter, sqlPredicate, matches, false);
    }

    private void assertPrunes(Path file, ParquetFilter filter, String sqlPredicate, Predicate<List<Object>> matches,
            boolean keepsAll) throws Exception {
        ParquetSource source = new ParquetSource(file.toString()).withRowGroupSplitBytes(0).withFilter(filter);
        ScanPlan plan = source.plan(2);
        List<List<Object>> expected = duckRows("SELECT * FROM read_parquet('" + file + "') WHERE " + sqlPredicate
                + " ORDER BY id");
        // DuckDB rounds ROW_GROUP_SIZE up to its vector size: take the real size from the footer.
        Set<Long> groups = new TreeSet<>();
        expected.forEach(r -> groups.add((Long) r.get(0) / ROWS_PER_GROUP));
        int expectedGroups = keepsAll ? plan.rowGroups() : groups.size();
        assertThat(plan.rowGroups() - plan.rowGroupsPruned()).as("row groups read for " + filter).isEqualTo(expectedGroups);
        List<List<Object>> rows = readAll(source, plan.splits());
        long expectedRows = keepsAll ? SORTED_ROWS
                : LongStreamCount.rowsIn(groups, ROWS_PER_GROUP, SORTED_ROWS);
        assertThat(rows).as("rows read for " + filter).hasSize((int) expectedRows);
        List<List<Object>> matching = IoTestSupport.sortedById(rows.stream().filter(matches).toList());
        assertThat(matching).as("matching rows for " + filter).isEqualTo(expected);
    }

    private static final int SORTED_ROWS = 20_000;
    private static long ROWS_PER_GROUP;

    /** Rows in the given row groups of a file of {@code total} rows in groups of {@code size}. */
    private static final class LongStreamCount {
        static long rowsIn(Set<Long> groups, long size, long total) {
            long n = 0;
            for (long g : groups) {
                n += Math.min(size, total - g * size);
            }
            return n;
        }
    }

    @Test
    void filterPrunesRowGroupsByStatistics() throws Exception {
        Path file = sortedFile();
        ParquetSource plain = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        ScanPlan all = plain.plan(1);
        assertThat(all.rowGroups()).isGreaterThanOrEqualTo(8);
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
            ROWS_PER_GROUP = reader.getRowGroups().get(0).getRowCount();
        }
        assertPrunes(file, ParquetFilter.between("id", 5500, 6499), "id BETWEEN 5500 AND 6499",
                r -> (Long) r.get(0) >= 5500 && (Long) r.get(0) <= 6499);
        assertPrunes(file, ParquetFilter.eq("id", 12_345L), "id = 12345", r -> (Long) r.get(0) == 12_345);
        assertPrunes(file, ParquetFilter.lt("id", 2.5), "id < 2.5", r -> (Long) r.get(0) < 2.5);
        assertPrunes(file, ParquetFilter.in("id", List.of(3, 19_999, 7000)), "id IN (3, 19999, 7000)",
                r -> List.of(3L, 19_999L, 7000L).contains(r.get(0)));
        assertPrunes(file, ParquetFilter.not(ParquetFilter.lt("id", 18_000)), "NOT (id < 18000)",
                r -> (Long) r.get(0) >= 18_000);
        assertPrunes(file, ParquetFilter.or(ParquetFilter.le("id", 999), ParquetFilter.gt("id", 19_000)),
                "id <= 999 OR id > 19000", r -> (Long) r.get(0) <= 999 || (Long) r.get(0) > 19_000);
        assertPrunes(file, ParquetFilter.not(ParquetFilter.in("id", List.of(1, 2))), "id NOT IN (1, 2)",
                r -> (Long) r.get(0) != 1 && (Long) r.get(0) != 2);
        // nulls: "maybe" is NULL for id < 5000, so the first row groups are all NULL
        assertPrunes(file, ParquetFilter.isNull("maybe"), "maybe IS NULL", r -> r.get(1) == null);
        assertPrunes(file, ParquetFilter.isNotNull("maybe"), "maybe IS NOT NULL", r -> r.get(1) != null);
        assertPrunes(file, ParquetFilter.ge("maybe", 0), "maybe >= 0", r -> r.get(1) != null);
        assertPrunes(file, ParquetFilter.not(ParquetFilter.isNull("maybe")), "NOT (maybe IS NULL)",
                r -> r.get(1) != null);
        assertPrunes(file, ParquetFilter.ne("maybe", 7), "maybe <> 7", r -> r.get(1) != null && (Long) r.get(1) != 7);
        // strings, dates, decimals, doubles
        assertPrunes(file, ParquetFilter.ge("k", "k019500"), "k >= 'k019500'",
                r -> ((String) r.get(2)).compareTo("k019500") >= 0);
        assertPrunes(file, ParquetFilter.lt("k", "k000100"), "k < 'k000100'",
                r -> ((String) r.get(2)).compareTo("k000100") < 0);
        LocalDate day0 = LocalDate.of(2000, 1, 1);
        assertPrunes(file, ParquetFilter.between("d", day0.plusDays(3990), day0.plusDays(4010)),
                "d BETWEEN DATE '2000-01-01' + 3990 AND DATE '2000-01-01' + 4010",
                r -> !((LocalDate) r.get(3)).isBefore(day0.plusDays(3990)) && !((LocalDate) r.get(3)).isAfter(day0.plusDays(4010)));
        assertPrunes(file, ParquetFilter.gt("amount", new BigDecimal("189.995")), "amount > 189.995",
                r -> ((BigDecimal) r.get(4)).compareTo(new BigDecimal("189.995")) > 0);
        assertPrunes(file, ParquetFilter.eq("amount", 0L), "amount = 0", r -> ((BigDecimal) r.get(4)).signum() == 0);
        assertPrunes(file, ParquetFilter.lt("x", 250.0), "x < 250.0", r -> (Double) r.get(5) < 250.0);
        // a literal that does not fit the column proves nothing: every row group is kept
        assertPrunes(file, ParquetFilter.eq("k", 5L), "true", r -> true, true);
        assertPrunes(file, ParquetFilter.eq("d", 5L), "true", r -> true, true);
        // everything pruned: no splits at all
        ParquetSource none = plain.withFilter(ParquetFilter.gt("id", 1_000_000));
        assertThat(none.plan(4).splits()).isEmpty();
        assertThat(none.plan(4).rowGroupsPruned()).isEqualTo(all.rowGroups());
        assertThat(IoTestSupport.readAll(none, allocator)).isEmpty();
        // all kept and small enough: still one whole-file split for the native reader
        assertThat(plain.withFilter(ParquetFilter.ge("id", 0)).plan(1).splits()).singleElement().isInstanceOf(FileSplit.class);
    }

    @Test
    void filterOnAnAllNullColumnAndOnAnUnknownColumn() throws Exception {
        Path file = dir.resolve("nostats.parquet");
        // Only NULL strings: no min/max at all, but a null count that proves comparisons false.
        duck("COPY (SELECT i::BIGINT AS id, NULL::VARCHAR AS s FROM range(0, 3000) t(i)) TO '" + file
                + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)");
        ParquetSource source = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        assertThat(source.withFilter(ParquetFilter.eq("s", "a")).plan(1).splits()).isEmpty();
        assertThat(source.withFilter(ParquetFilter.isNull("s")).plan(1).rowGroupsPruned()).isZero();
        assertThatThrownBy(() -> source.withFilter(ParquetFilter.eq("nope", 1)).plan(1))
                .isInstanceOf(NumbatException.class).hasMessageContaining("nope").hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }

    @Test
    void nestedColumnsAreReadWholeFileAndRejectedByTheRowGroupReader() throws Exception {
        Path file = dir.resolve("nested.parquet");
        duck("COPY (SELECT i::BIGINT AS id, [i, i + 1] AS xs FROM range(0, 5000) t(i)) TO '" + file
                + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)");
        ParquetSource source = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        ScanPlan plan = source.plan(4);
        assertThat(plan.splits()).hasSize(1).allMatch(s -> s instanceof FileSplit);
        assertThat(readAll(source, plan.splits())).hasSize(5000);
        // with a filter the file is still read whole (rows are not filtered)
        assertThat(source.withFilter(ParquetFilter.lt("id", 10)).plan(4).splits()).hasSize(1);
        assertThatThrownBy(() -> source.open(new RowGroupSplit(file.toString(), List.of(1), 1), allocator))
                .isInstanceOf(NumbatException.class).hasMessageContaining(file.toString()).hasMessageContaining("xs")
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        // projected away, the file splits into row groups again
        ParquetSource flat = source.withColumns(List.of("id"));
        assertThat(flat.plan(4).splits()).hasSizeGreaterThan(1).allMatch(s -> s instanceof RowGroupSplit);
        assertThat(readAll(flat, flat.plan(4).splits())).hasSize(5000);
    }

    @Test
    void closingEarlyReleasesTheRowGroupReader() throws Exception {
        Path file = dir.resolve("early.parquet");
        duckParquet(file, 10_000, ", ROW_GROUP_SIZE 2048");
        ParquetSource source = new ParquetSource(file.toString(), null, 500).withRowGroupSplitBytes(0);
        VectorSchemaRoot kept;
        try (SplitReader reader = source.open(new RowGroupSplit(file.toString(), List.of(1, 2), 1), allocator)) {
            reader.next().close();
            kept = reader.next();
        }
        assertThat(kept.getRowCount()).isEqualTo(500);
        kept.close();
    }
}
