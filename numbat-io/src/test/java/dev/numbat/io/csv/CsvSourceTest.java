package dev.numbat.io.csv;

import static dev.numbat.io.csv.CsvTestSupport.read;
import static dev.numbat.io.csv.CsvTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close(); // fails the test if a batch leaked
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static int day(String iso) {
        return (int) LocalDate.parse(iso).toEpochDay();
    }

    @Test
    void readsHeaderAndInfersEveryType() throws IOException {
        Path p = write("types.csv", """
                id,price,day,at,flag,name,nothing,mixed
                1,1.5,2024-01-31,2024-01-31 10:11:12,true,alpha,,1
                -2,3,2024-02-29,2024-02-29T00:00:00.123456,FALSE,beta,,x
                3,,1999-12-31,2024-03-01 23:59:59,,,,2
                """);
        CsvSource source = new CsvSource(p.toString());
        Schema schema = source.schema();
        assertThat(schema.getFields()).extracting(Field::getName)
                .containsExactly("id", "price", "day", "at", "flag", "name", "nothing", "mixed");
        assertThat(schema.getFields()).extracting(Field::getType).containsExactly(
                new ArrowType.Int(64, true), new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
                new ArrowType.Date(DateUnit.DAY), new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
                ArrowType.Bool.INSTANCE, ArrowType.Utf8.INSTANCE, ArrowType.Utf8.INSTANCE, ArrowType.Utf8.INSTANCE);
        assertThat(readAll(source, allocator)).containsExactly(
                row(1L, 1.5, day("2024-01-31"), LocalDateTime.parse("2024-01-31T10:11:12"), true, "alpha", null, "1"),
                row(-2L, 3.0, day("2024-02-29"), LocalDateTime.parse("2024-02-29T00:00:00.123456"), false, "beta",
                        null, "x"),
                row(3L, null, day("1999-12-31"), LocalDateTime.parse("2024-03-01T23:59:59"), null, null, null, "2"));
    }

    @Test
    void datesAndTimestampsMixedInferAsTimestamp() throws IOException {
        Path p = write("ts.csv", "a,b\n2024-01-01,1e3\n2024-01-02 03:04,2.5E-1\n");
        Schema schema = new CsvSource(p.toString()).schema();
        assertThat(schema.getFields().get(0).getType())
                .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
        assertThat(schema.getFields().get(1).getType())
                .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        assertThat(readAll(new CsvSource(p.toString()), allocator)).containsExactly(
                row(LocalDateTime.parse("2024-01-01T00:00"), 1000.0),
                row(LocalDateTime.parse("2024-01-02T03:04"), 0.25));
    }

    @Test
    void withoutHeaderColumnsAreNamedLikeDuckDb() throws IOException {
        Path p = write("nohead.csv", "1,a\n2,b\n");
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withHeader(false));
        assertThat(source.schema().getFields()).extracting(Field::getName).containsExactly("column0", "column1");
        assertThat(readAll(source, allocator)).containsExactly(row(1L, "a"), row(2L, "b"));
    }

    @Test
    void explicitSchemaWithIntDecimalAndExactParsing() throws IOException {
        Path p = write("explicit.csv", """
                k,amount,small,when,ok
                1,0.1,7,2020-02-29,t
                2,-12345678901.99,-2147483648,1970-01-01,0
                3,1.005,2147483647,2000-1-5,yes
                4, 42 ,0,0001-01-01,N
                """);
        Schema schema = new Schema(List.of(field("key", new ArrowType.Int(64, true)),
                field("amount", new ArrowType.Decimal(15, 2, 128)), field("small", new ArrowType.Int(32, true)),
                field("when", new ArrowType.Date(DateUnit.DAY)), field("ok", ArrowType.Bool.INSTANCE)));
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema));
        assertThat(source.schema()).isEqualTo(schema);
        assertThat(readAll(source, allocator)).containsExactly(
                row(1L, new BigDecimal("0.10"), 7, day("2020-02-29"), true),
                row(2L, new BigDecimal("-12345678901.99"), Integer.MIN_VALUE, 0, false),
                row(3L, new BigDecimal("1.01"), Integer.MAX_VALUE, day("2000-01-05"), true),
                row(4L, new BigDecimal("42.00"), 0, day("0001-01-01"), false));
    }

    @Test
    void wideDecimalsUseTheExactSlowPath() throws IOException {
        Path p = write("wide.csv", "v\n12345678901234567890.123456\n-0.0000005\n1e3\n");
        Schema schema = new Schema(List.of(field("v", new ArrowType.Decimal(30, 6, 128))));
        assertThat(readAll(new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema)), allocator))
                .containsExactly(row(new BigDecimal("12345678901234567890.123456")),
                        row(new BigDecimal("-0.000001")), row(new BigDecimal("1000.000000")));
    }

    @Test
    void doublesParseExactly() throws IOException {
        String[] values = {"0.1", "3.141592653589793", "1e308", "-2.2250738585072014E-308", "123456789012345678901",
            "0.30000000000000004", "9007199254740993", "1.7976931348623157e308", "-0", "4.9e-324", "inf", "-NaN"};
        Path p = write("doubles.csv", "d\n" + String.join("\n", values) + "\n");
        List<List<Object>> rows = readAll(new CsvSource(p.toString()), allocator);
        assertThat(rows).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            String v = values[i].replace("inf", "Infinity").replace("-NaN", "NaN");
            assertThat(rows.get(i).get(0)).as(values[i]).isEqualTo(Double.valueOf(v));
        }
    }

    @Test
    void quotesDelimitersAndEscapedQuotes() throws IOException {
        Path p = write("quoted.csv", "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\nplain,\"a\"\n");
        assertThat(readAll(new CsvSource(p.toString()), allocator)).containsExactly(
                row("x,y", "say \"hi\""), row("", "\""), row("plain", "a"));
    }

    @Test
    void backslashEscape() throws IOException {
        Path p = write("bs.csv", "a,b\n\"x\\\"y\",\"back\\\\slash\"\n");
        CsvOptions options = CsvOptions.defaults().withEscape('\\');
        assertThat(readAll(new CsvSource(p.toString(), options), allocator))
                .containsExactly(row("x\"y", "back\\slash"));
    }

    @Test
    void newlinesInsideQuotesNeedTheOption() throws IOException {
        Path p = write("nl.csv", "id,text\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\n3,plain\n");
        CsvOptions options = CsvOptions.defaults().withAllowQuotedNewlines(true).withMinSplitBytes(1);
        CsvSource source = new CsvSource(p.toString(), options);
        assertThat(source.splits(8)).hasSize(1);
        assertThat(readAll(source, allocator)).containsExactly(
                row(1L, "two\nlines"), row(2L, "crlf\r\ninside"), row(3L, "plain"));

        Schema schema = new Schema(List.of(field("id", new ArrowType.Int(64, true)), field("text", ArrowType.Utf8.INSTANCE)));
        CsvSource strict = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema));
        assertThatThrownBy(() -> readAll(strict, allocator))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("nl.csv line 2, column \"text\": unterminated quoted field");
    }

    @Test
    void pipeDelimiterAndTrailingDelimiterLikeTpchTbl() throws IOException {
        Path p = write("region.tbl", "0|AFRICA|lar deposits. blithely final |\n1|AMERICA|hs use ironic, even |\n");
        CsvOptions options = CsvOptions.defaults().withHeader(false).withDelimiter('|').withTrailingDelimiter(true);
        CsvSource source = new CsvSource(p.toString(), options);
        assertThat(source.schema().getFields()).hasSize(3);
        assertThat(readAll(source, allocator)).containsExactly(
                row(0L, "AFRICA", "lar deposits. blithely final "), row(1L, "AMERICA", "hs use ironic, even "));
    }

    @Test
    void nullsVersusQuotedEmptyStringsAndCustomNullString() throws IOException {
        Path p = write("nulls.csv", "a,b,c\n,\"\",1\nNULL,\"NULL\",\n");
        assertThat(readAll(new CsvSource(p.toString()), allocator)).containsExactly(
                row(null, "", 1L), row("NULL", "NULL", null));
        CsvOptions options = CsvOptions.defaults().withNullString("NULL");
        assertThat(readAll(new CsvSource(p.toString(), options), allocator)).containsExactly(
                row("", "", 1L), row(null, "NULL", null));
    }

    @Test
    void spacesAreKeptAndCrLfLineEndsHandled() throws IOException {
        Path p = write("crlf.csv", "name,n\r\n  lead,1\r\ntrail  , 2 \r\n\" both \",3\r\n");
        CsvSource source = new CsvSource(p.toString());
        assertThat(source.schema().getFields().get(1).getType()).isEqualTo(new ArrowType.Int(64, true));
        assertThat(readAll(source, allocator)).containsExactly(
                row("  lead", 1L), row("trail  ", 2L), row(" both ", 3L));
    }

    @Test
    void lastLineWithoutNewlineAndEmptyLinesAreHandled() throws IOException {
        Path p = write("tail.csv", "a,b\n1,x\n\n2,y");
        assertThat(readAll(new CsvSource(p.toString()), allocator)).containsExactly(row(1L, "x"), row(2L, "y"));
        Path empty = write("empty.csv", "a,b\n");
        CsvSource source = new CsvSource(empty.toString());
        assertThat(source.schema().getFields()).extracting(Field::getName).containsExactly("a", "b");
        assertThat(readAll(source, allocator)).isEmpty();
    }

    @Test
    void smallBatchSizeGivesManyBatches() throws IOException {
        StringBuilder sb = new StringBuilder("n\n");
        for (int i = 0; i < 1000; i++) {
            sb.append(i).append('\n');
        }
        Path p = write("batches.csv", sb.toString());
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withBatchRows(64));
        int batches = 0;
        long sum = 0;
        try (SplitReader reader = source.open(source.splits(1).get(0), allocator)) {
            VectorSchemaRoot next;
            while ((next = reader.next()) != null) {
                try (VectorSchemaRoot b = next) {
                    assertThat(b.getRowCount()).isBetween(1, 64);
                    batches++;
                    for (List<Object> r : CsvTestSupport.rowsOf(b)) {
                        sum += (Long) r.get(0);
                    }
                }
            }
        }
        assertThat(batches).isEqualTo(16);
        assertThat(sum).isEqualTo(999 * 1000 / 2);
    }

    /** Every cut point of a small file: the two halves together give exactly the rows of the whole. */
    @Test
    void everyByteBoundaryKeepsEachRowOnce() throws IOException {
        Path p = write("cuts.csv", "id,s\n1,\"a,b\"\r\n22,cc\n\n333,\"d\"\"e\"\n4444,\n5,last");
        CsvSource source = new CsvSource(p.toString());
        List<List<Object>> whole = readAll(source, allocator);
        assertThat(whole).hasSize(5);
        long size = Files.size(p);
        String file = p.toString();
        for (long cut = 0; cut <= size; cut++) {
            List<Split> two = List.of(new CsvSplit(file, 0, cut), new CsvSplit(file, cut, size));
            assertThat(read(source, two, allocator)).as("cut at %d", cut).isEqualTo(whole);
            for (long cut2 = cut; cut2 <= size; cut2 += 3) {
                List<Split> three = List.of(new CsvSplit(file, 0, cut), new CsvSplit(file, cut, cut2),
                        new CsvSplit(file, cut2, size));
                assertThat(read(source, three, allocator)).as("cuts at %d, %d", cut, cut2).isEqualTo(whole);
            }
        }
    }

    @Test
    void multiMegabyteFileSplitIntoManyRangesReadsEveryRowOnce() throws IOException {
        Path p = dir.resolve("big.csv");
        int rows = 120_000;
        StringBuilder sb = new StringBuilder("id,name,amount,day\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i).append(",\"name ").append(i % 977).append(", q\"\"").append("\",")
                    .append(i % 1000).append('.').append(i % 100).append(',')
                    .append(LocalDate.ofEpochDay(i % 20000)).append(i % 7 == 0 ? "\r\n" : "\n");
        }
        Files.writeString(p, sb);
        long size = Files.size(p);
        assertThat(size).isGreaterThan(4_000_000);

        CsvSource whole = new CsvSource(p.toString());
        List<List<Object>> expected = readAll(whole, allocator);
        assertThat(expected).hasSize(rows);
        assertThat(whole.splits(8)).hasSize(1); // 4 MB minimum split

        for (long minSplit : new long[] {1, 4096, 65_537, 1_000_000}) {
            CsvSource split = new CsvSource(p.toString(), CsvOptions.defaults().withMinSplitBytes(minSplit));
            List<Split> splits = split.splits(minSplit == 1 ? 333 : 1000);
            assertThat(splits.size()).isGreaterThan(1);
            long covered = 0;
            for (Split s : splits) {
                covered += s.sizeBytes();
            }
            assertThat(covered).isEqualTo(size);
            assertThat(read(split, splits, allocator)).as("min split %d", minSplit).isEqualTo(expected);
        }
        // Boundaries exactly at line starts.
        String text = sb.toString();
        List<Split> atLineStarts = new ArrayList<>();
        long prev = 0;
        for (int i = 1; i < 10; i++) {
            int cut = text.indexOf('\n', (int) (size * i / 10)) + 1;
            atLineStarts.add(new CsvSplit(p.toString(), prev, cut));
            prev = cut;
        }
        atLineStarts.add(new CsvSplit(p.toString(), prev, size));
        assertThat(read(whole, atLineStarts, allocator)).isEqualTo(expected);
    }

    @Test
    void malformedRowInLaterSplitNamesFileLineAndColumn() throws IOException {
        Path p = dir.resolve("events.csv");
        StringBuilder sb = new StringBuilder("id,amount\n");
        for (int i = 1; i <= 50_000; i++) {
            sb.append(i).append(',').append(i == 40_000 ? "12x" : String.valueOf(i * 10)).append('\n');
        }
        Files.writeString(p, sb);
        CsvOptions options = CsvOptions.defaults().withMinSplitBytes(10_000);
        CsvSource source = new CsvSource(p.toString(), options);
        List<Split> splits = source.splits(20);
        assertThat(splits).hasSizeGreaterThan(10);
        assertThatThrownBy(() -> read(source, splits, allocator))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessage(p + " line 40001, column \"amount\": cannot parse \"12x\" as BIGINT");
    }

    @Test
    void wrongFieldCountIsAnErrorOrSkipped() throws IOException {
        Path p = write("fields.csv", "a,b\n1,2\n3\n4,5,6\n7,8\n9,\"unterminated\n10,x\n11,11\n");
        Schema schema = new Schema(List.of(field("a", new ArrowType.Int(64, true)), field("b", new ArrowType.Int(64, true))));
        CsvSource failing = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema));
        assertThatThrownBy(() -> readAll(failing, allocator))
                .isInstanceOf(NumbatException.class)
                .hasMessage(p + " line 3: expected 2 fields but found 1");

        CsvSource skipping = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema)
                .withSkipMalformedRows(true));
        Split split = skipping.splits(1).get(0);
        try (SplitReader reader = skipping.open(split, allocator); VectorSchemaRoot b = reader.next()) {
            assertThat(CsvTestSupport.rowsOf(b)).containsExactly(row(1L, 2L), row(7L, 8L), row(11L, 11L));
            assertThat(reader.next()).isNull();
            assertThat(reader.rowsSkipped()).isEqualTo(4);
        }
    }

    @Test
    void skipModeDropsUnparsableValuesWithoutLeavingStaleData() throws IOException {
        Path p = write("skip.csv", "s,n,t\nkeep1,1,a\nbad,x,b\nkeep2,2,\nbad2,3,2024-13-01\n");
        Schema schema = new Schema(List.of(field("s", ArrowType.Utf8.INSTANCE), field("n", new ArrowType.Int(64, true)),
                field("t", ArrowType.Utf8.INSTANCE)));
        Schema withDate = new Schema(List.of(schema.getFields().get(0), schema.getFields().get(1),
                field("t", new ArrowType.Date(DateUnit.DAY))));
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(withDate)
                .withSkipMalformedRows(true));
        try (SplitReader reader = source.open(source.splits(1).get(0), allocator); VectorSchemaRoot b = reader.next()) {
            assertThat(CsvTestSupport.rowsOf(b)).containsExactly(row("keep2", 2L, null));
            assertThat(reader.rowsSkipped()).isEqualTo(3);
        }
        CsvSource strings = new CsvSource(p.toString(), CsvOptions.defaults().withSchema(schema)
                .withSkipMalformedRows(true));
        assertThat(readAll(strings, allocator)).containsExactly(
                row("keep1", 1L, "a"), row("keep2", 2L, null), row("bad2", 3L, "2024-13-01"));
    }

    @Test
    void missingFileIsAUserErrorNamingIt() {
        String missing = dir.resolve("nope.csv").toString();
        assertThatThrownBy(() -> new CsvSource(missing).schema())
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("nope.csv");
        CsvSource source = new CsvSource(missing);
        Schema schema = new Schema(List.of(field("a", ArrowType.Utf8.INSTANCE)));
        CsvSource explicit = new CsvSource(missing, CsvOptions.defaults().withSchema(schema));
        assertThatThrownBy(() -> explicit.open(new CsvSplit(missing, 0, 10), allocator))
                .isInstanceOfSatisfying(NumbatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("nope.csv");
        assertThat(source.describe()).isEqualTo("csv(" + missing + ")");
    }

    @Test
    void directoriesGiveSplitsPerFileAndDescribeThem() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("parts"));
        Files.writeString(sub.resolve("a.csv"), "n\n1\n2\n");
        Files.writeString(sub.resolve("b.csv"), "n\n3\n");
        CsvSource source = new CsvSource(sub.toString());
        List<Split> splits = source.splits(4);
        assertThat(splits).extracting(Split::describe)
                .containsExactly(sub.resolve("a.csv") + " [0, 6)", sub.resolve("b.csv") + " [0, 4)");
        assertThat(readAll(source, allocator)).containsExactly(row(1L), row(2L), row(3L));
    }

    @Test
    void sourceAndSplitsSerializeWithTheInferredSchema() throws Exception {
        Path p = write("ser.csv", "a,b\n1,x\n");
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withDelimiter(','));
        Schema schema = source.schema();
        List<Split> splits = source.splits(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(source);
            out.writeObject(splits.get(0));
        }
        Files.delete(p); // the copy must not infer again
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            CsvSource copy = (CsvSource) in.readObject();
            Split split = (Split) in.readObject();
            assertThat(copy.schema()).isEqualTo(schema);
            assertThat(copy.options()).isEqualTo(source.options());
            assertThat(split).isEqualTo(splits.get(0));
        }
    }

    @Test
    void lineLongerThanTheReadBufferGrowsIt() throws IOException {
        String huge = "x".repeat(9 << 20);
        Path p = write("long.csv", "a,b\n1,short\n2,\"" + huge + "\"\n3,end\n");
        CsvSource source = new CsvSource(p.toString(), CsvOptions.defaults().withMinSplitBytes(1 << 20));
        List<Split> splits = source.splits(16);
        assertThat(splits.size()).isGreaterThan(4);
        List<List<Object>> rows = read(source, splits, allocator);
        assertThat(rows).extracting(r -> r.get(0)).containsExactly(1L, 2L, 3L);
        assertThat((String) rows.get(1).get(1)).isEqualTo(huge);
    }

    @Test
    void unterminatedQuoteAtEndOfFileIsReported() throws IOException {
        Path p = write("open.csv", "a,b\n1,x\n2,\"never closed\nstill open\n");
        CsvOptions options = CsvOptions.defaults().withAllowQuotedNewlines(true);
        assertThatThrownBy(() -> readAll(new CsvSource(p.toString(), options), allocator))
                .isInstanceOf(NumbatException.class)
                .hasMessage(p + " line 3, column \"b\": unterminated quoted field");
        CsvSource skipping = new CsvSource(p.toString(), options.withSkipMalformedRows(true));
        try (SplitReader reader = skipping.open(skipping.splits(1).get(0), allocator); VectorSchemaRoot b = reader.next()) {
            assertThat(CsvTestSupport.rowsOf(b)).containsExactly(row(1L, "x"));
            assertThat(reader.next()).isNull();
            assertThat(reader.rowsSkipped()).isEqualTo(1);
        }
    }

    @Test
    void badOptionsAndSchemasAreRejected() {
        assertThatThrownBy(() -> CsvOptions.defaults().withDelimiter('"')).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> CsvOptions.defaults().withSchema(
                new Schema(List.of(field("x", new ArrowType.Int(16, true))))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("\"x\"");
    }
}
