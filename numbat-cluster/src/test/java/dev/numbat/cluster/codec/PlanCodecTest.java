package dev.numbat.cluster.codec;

import static dev.numbat.cluster.codec.CodecTesting.roundTrip;
import static dev.numbat.cluster.codec.CodecTesting.userObjects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.cluster.proto.ArrowTypeProto;
import dev.numbat.cluster.proto.ExprProto;
import dev.numbat.cluster.proto.OperatorProto;
import dev.numbat.cluster.proto.ParquetFilterProto;
import dev.numbat.cluster.proto.TaskGraphProto;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.ExprCompiler;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.partition.RangePartitioner;
import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.source.Source;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.files.FilesSource;
import dev.numbat.io.parquet.ParquetFilter;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.io.write.ArrowIpcWriterOperator;
import dev.numbat.io.write.CsvWriteOptions;
import dev.numbat.io.write.CsvWriterOperator;
import dev.numbat.io.write.FileWriters;
import dev.numbat.io.write.ParquetWriterOperator;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.AggregateMode;
import dev.numbat.operators.aggregate.HashAggregateOperator;
import dev.numbat.operators.join.HashJoinOperator;
import dev.numbat.operators.join.JoinFilter;
import dev.numbat.operators.join.JoinType;
import dev.numbat.operators.limit.LimitOperator;
import dev.numbat.operators.project.FilterProjectOperator;
import dev.numbat.operators.sort.SortKey;
import dev.numbat.operators.sort.SortOperator;
import dev.numbat.operators.sort.TopKOperator;
import dev.numbat.operators.union.UnionAllOperator;
import dev.numbat.operators.window.WindowCall;
import dev.numbat.operators.window.WindowFrame;
import dev.numbat.operators.window.WindowFunction;
import dev.numbat.operators.window.WindowOperator;
import dev.numbat.operators.window.WindowSpec;
import dev.numbat.plan.physical.ResidualJoinFilter;
import dev.numbat.plan.physical.ValuesSource;
import dev.numbat.runtime.TaskGraph;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Every built-in operator, source and partitioner, and user objects, through the codec and back. */
class PlanCodecTest {
    static final Schema INPUT = new Schema(List.of(
            Field.nullable("id", Types.BIGINT),
            Field.nullable("name", Types.VARCHAR),
            Field.notNullable("price", new ArrowType.Decimal(15, 2, 128)),
            new Field("day", new FieldType(true, Types.DATE, null, Map.of("k", "v")), null)),
            Map.of("schema-meta", "1"));
    private static final Source SOME_SOURCE = new ArrowIpcSource("/data/in.arrow");

    // ---- helpers -------------------------------------------------------------------------------------------

    /** {@code f} on one input, through the codec. */
    private static OperatorFactory viaCodec(OperatorFactory f) {
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("scan", SOME_SOURCE, 2);
        int o = b.operator("op", f, 3);
        b.connect(s, o, Partitioners.roundRobin()).output(o);
        return roundTrip(b.build()).node(o).factory();
    }

    private static Source viaCodec(Source source) {
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("scan", source, 1);
        return roundTrip(b.output(s).build()).node(s).source();
    }

    private static Partitioner viaCodec(Partitioner p) {
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("scan", SOME_SOURCE, 2);
        int o = b.operator("op", UnionAllOperator.factory(), 2);
        b.connect(s, o, 0, p, true);
        TaskGraph decoded = roundTrip(b.build());
        assertThat(decoded.edges().get(0).needsWholeInput()).isTrue();
        assertThat(decoded.output()).isEqualTo(-1);
        return decoded.edges().get(0).partitioner();
    }

    private static Expr col(int i, ArrowType t) {
        return new Expr.Column(i, t, true);
    }

    private static Expr lit(Object v, ArrowType t) {
        return new Expr.Literal(v, t);
    }

    private static Expr call(Fn fn, ArrowType t, Expr... args) {
        return new Expr.Call(fn, List.of(args), t, true);
    }

    // ---- graph ---------------------------------------------------------------------------------------------

    @Test
    void graphShapeSurvives() {
        TaskGraph.Builder b = TaskGraph.builder();
        int left = b.source("left", SOME_SOURCE, 4);
        int right = b.source("right", new ArrowIpcSource("/data/other.arrow"), 2);
        int join = b.operator("join", HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0}), 3);
        b.connect(left, join, 0, Partitioners.hash("id"), false);
        b.connect(right, join, 1, Partitioners.hash("id"), true);
        int top = b.operator("top", TopKOperator.factory(List.of(SortKey.desc(0)), 5), 1);
        b.connect(join, top, Partitioners.single()).output(top);
        TaskGraph g = b.build();

        TaskGraph d = roundTrip(g);
        assertThat(d.nodes()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(d.node(i).id()).isEqualTo(i);
            assertThat(d.node(i).name()).isEqualTo(g.node(i).name());
            assertThat(d.node(i).channels()).isEqualTo(g.node(i).channels());
            assertThat(d.node(i).isSource()).isEqualTo(g.node(i).isSource());
        }
        assertThat(d.edges()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            TaskGraph.Edge x = d.edges().get(i);
            TaskGraph.Edge y = g.edges().get(i);
            assertThat(List.of(x.from(), x.to(), x.input(), x.needsWholeInput()))
                    .isEqualTo(List.of(y.from(), y.to(), y.input(), y.needsWholeInput()));
            assertThat(x.partitioner()).isEqualTo(y.partitioner());
        }
        assertThat(d.output()).isEqualTo(top);
        assertThat(PlanCodec.userClasses(g)).isEmpty();
        assertThat(userObjects(PlanCodec.toProto(g))).isEmpty();
    }

    // ---- expressions, types, values ------------------------------------------------------------------------

    @Test
    void everyEnumOfThePlanIsMirroredByName() {
        assertMirrored(Fn.class, ExprProto.Fn.class);
        assertMirrored(AggregateFunction.class, OperatorProto.HashAggregate.Function.class);
        assertMirrored(AggregateMode.class, OperatorProto.HashAggregate.Mode.class);
        assertMirrored(JoinType.class, OperatorProto.HashJoin.Type.class);
        assertMirrored(WindowFunction.class, OperatorProto.Window.Function.class);
        assertMirrored(ParquetFilter.Op.class, ParquetFilterProto.Op.class);
    }

    private static void assertMirrored(Class<? extends Enum<?>> java, Class<? extends Enum<?>> proto) {
        List<String> javaNames = Arrays.stream(java.getEnumConstants()).map(Enum::name).toList();
        List<String> protoNames = Arrays.stream(proto.getEnumConstants()).map(Enum::name)
                .filter(n -> !n.endsWith("UNSPECIFIED") && !n.equals("UNRECOGNIZED")).toList();
        assertThat(protoNames).as("%s mirrors %s", proto.getSimpleName(), java.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(javaNames);
    }

    @Test
    void arrowTypesRoundTrip() {
        List<ArrowType> types = List.of(ArrowType.Null.INSTANCE, Types.BOOLEAN, new ArrowType.Int(8, true),
                new ArrowType.Int(16, false), Types.INT, Types.BIGINT,
                new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
                Types.DOUBLE, new ArrowType.Decimal(38, 4, 128), new ArrowType.Decimal(20, 0, 256), Types.VARCHAR,
                ArrowType.LargeUtf8.INSTANCE, ArrowType.Binary.INSTANCE, ArrowType.LargeBinary.INSTANCE, Types.DATE,
                new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.MILLISECOND),
                new ArrowType.Time(TimeUnit.MICROSECOND, 64), new ArrowType.Time(TimeUnit.SECOND, 32), Types.TIMESTAMP,
                new ArrowType.Timestamp(TimeUnit.NANOSECOND, "Europe/Paris"), Types.INTERVAL_DAY_TIME,
                Types.INTERVAL_YEAR_MONTH, new ArrowType.Duration(TimeUnit.MILLISECOND),
                new ArrowType.FixedSizeBinary(16), ArrowType.List.INSTANCE);
        for (ArrowType t : types) {
            ArrowTypeProto p = ExprCodec.type(t);
            assertThat(ExprCodec.type(p)).as("%s", t).isEqualTo(t);
        }
        assertThat(ExprCodec.type(new ArrowType.FixedSizeBinary(16)).getKind()).isEqualTo(ArrowTypeProto.Kind.OTHER);
        assertThat(ExprCodec.schema(ExprCodec.schema(INPUT))).isEqualTo(INPUT);
    }

    @Test
    void valuesKeepTheirJavaClass() {
        List<Object> values = Arrays.asList(null, true, (byte) -3, (short) 300, 7, -8L, 1.5f, -2.25,
                new BigDecimal("-12.340"),
                new BigDecimal("123456789012345678901234567890.12"), "héllo", LocalDate.of(1969, 12, 31),
                LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_000), LocalDateTime.of(1900, 1, 1, 0, 0),
                Duration.ofMillis(-86_400_001), Period.of(1, -2, 3));
        for (Object v : values) {
            Object back = ExprCodec.value(ExprCodec.value(v));
            assertThat(back).as("%s", v).isEqualTo(v);
            if (v != null) {
                assertThat(back).isExactlyInstanceOf(v.getClass());
            }
        }
        assertThat((byte[]) ExprCodec.value(ExprCodec.value(new byte[] {1, -2}))).containsExactly(1, -2);
        assertThatThrownBy(() -> ExprCodec.value(new StringBuilder("x")))
                .isInstanceOf(NumbatException.class).hasMessageContaining("java.lang.StringBuilder");
    }

    @Test
    void expressionTreesRoundTrip() {
        ArrowType dec = new ArrowType.Decimal(15, 2, 128);
        Expr e = call(Fn.CASE, Types.VARCHAR,
                call(Fn.AND, Types.BOOLEAN,
                        call(Fn.GT, Types.BOOLEAN, col(0, Types.BIGINT), lit(5L, Types.BIGINT)),
                        call(Fn.LIKE, Types.BOOLEAN, col(1, Types.VARCHAR), lit("%a\\_%", Types.VARCHAR),
                                lit("\\", Types.VARCHAR)),
                        call(Fn.IN, Types.BOOLEAN, col(2, dec), lit(new BigDecimal("1.50"), dec),
                                lit(null, dec))),
                call(Fn.UPPER, Types.VARCHAR, col(1, Types.VARCHAR)),
                call(Fn.CAST, Types.VARCHAR,
                        call(Fn.PLUS, Types.DATE, col(3, Types.DATE),
                                lit(Duration.ofDays(30), Types.INTERVAL_DAY_TIME))));
        Expr back = ExprCodec.expr(ExprCodec.expr(e));
        assertThat(back).isEqualTo(e);
        assertThat(new Expr.Column(2, Types.INT, false)).isEqualTo(ExprCodec.expr(ExprCodec.expr(
                new Expr.Column(2, Types.INT, false))));
    }

    @Test
    void deepExpressionsPassTheParser() {
        Expr sum = col(0, Types.BIGINT);
        for (int i = 0; i < 300; i++) {
            sum = call(Fn.PLUS, Types.BIGINT, sum, lit((long) i, Types.BIGINT));
        }
        var f = (FilterProjectOperator.Factory) viaCodec(FilterProjectOperator.factory(INPUT, null, List.of(sum),
                List.of("s")));
        assertThat(f.projections()).containsExactly(sum);
    }

    // ---- operators -----------------------------------------------------------------------------------------

    @Test
    void filterProject() {
        Expr filter = call(Fn.AND, Types.BOOLEAN,
                call(Fn.IS_NOT_NULL, Types.BOOLEAN, col(0, Types.BIGINT)),
                call(Fn.LT, Types.BOOLEAN, col(3, Types.DATE), lit(LocalDate.of(1998, 9, 2), Types.DATE)));
        List<Expr> projections = List.of(col(1, Types.VARCHAR),
                call(Fn.TIMES, Types.BIGINT, col(0, Types.BIGINT), lit(3L, Types.BIGINT)),
                call(Fn.COALESCE, Types.VARCHAR, col(1, Types.VARCHAR), lit("none", Types.VARCHAR)));
        var original = (FilterProjectOperator.Factory) FilterProjectOperator.factory(INPUT, filter, projections,
                List.of("name", "id3", "n"));
        var decoded = (FilterProjectOperator.Factory) viaCodec(original);
        assertThat(decoded.filter()).isEqualTo(filter);
        assertThat(decoded.projections()).isEqualTo(projections);
        assertThat(decoded.names()).containsExactly("name", "id3", "n");
        assertThat(decoded.inputColumns()).isEqualTo(4);
        assertThat(decoded.outputSchema(List.of(INPUT))).isEqualTo(original.outputSchema(List.of(INPUT)));

        var noFilter = (FilterProjectOperator.Factory) viaCodec(FilterProjectOperator.factory(INPUT, null,
                List.of(col(0, Types.BIGINT)), List.of("id")));
        assertThat(noFilter.filter()).isNull();
    }

    @Test
    void hashAggregateInEveryMode() {
        List<AggregateCall> calls = List.of(AggregateCall.countStar("n"),
                AggregateCall.of(AggregateFunction.SUM, 2, "s"),
                AggregateCall.of(AggregateFunction.COUNT_DISTINCT, 1, "d"),
                AggregateCall.of(AggregateFunction.STDDEV_SAMP, 0, "sd"));
        var single = HashAggregateOperator.Factory.single(INPUT, List.of(1, 3), calls);
        for (var f : List.of(single, single.withMode(AggregateMode.PARTIAL), single.withMode(AggregateMode.FINAL))) {
            var d = (HashAggregateOperator.Factory) viaCodec(f);
            assertThat(d.mode()).isEqualTo(f.mode());
            assertThat(d.inputSchema()).isEqualTo(INPUT);
            assertThat(d.groupKeys()).containsExactly(1, 3);
            assertThat(d.calls()).isEqualTo(calls);
            assertThat(d.outputSchema()).isEqualTo(f.outputSchema());
        }
    }

    @Test
    void hashJoinWithResidualAndSchemas() {
        Schema build = new Schema(List.of(Field.nullable("k", Types.BIGINT), Field.nullable("x", Types.DOUBLE)));
        Expr residual = call(Fn.GT, Types.BOOLEAN, col(5, Types.DOUBLE), lit(0.5, Types.DOUBLE));
        var f = HashJoinOperator.factory(JoinType.FULL, new int[] {0}, new int[] {0}).withInputSchemas(INPUT, build)
                .withFilter(new ResidualJoinFilter(ExprCompiler.compile(residual))).withOutputBatchRows(1000);
        var d = (HashJoinOperator.Factory) viaCodec(f);
        assertThat(d.type()).isEqualTo(JoinType.FULL);
        assertThat(d.probeKeys()).containsExactly(0);
        assertThat(d.buildKeys()).containsExactly(0);
        assertThat(d.outputBatchRows()).isEqualTo(1000);
        assertThat(d.probeSchema()).isEqualTo(INPUT);
        assertThat(d.buildSchema()).isEqualTo(build);
        assertThat(d.filter()).isInstanceOf(ResidualJoinFilter.class);
        assertThat(((ResidualJoinFilter) d.filter()).condition().expr()).isEqualTo(residual);

        var plain = (HashJoinOperator.Factory) viaCodec(HashJoinOperator.factory(JoinType.ANTI, new int[] {1, 0},
                new int[] {0, 1}));
        assertThat(plain.type()).isEqualTo(JoinType.ANTI);
        assertThat(plain.probeKeys()).containsExactly(1, 0);
        assertThat(plain.buildKeys()).containsExactly(0, 1);
        assertThat(plain.filter()).isNull();
        assertThat(plain.probeSchema()).isNull();
    }

    @Test
    void sortTopKLimitUnion() {
        List<SortKey> keys = List.of(SortKey.asc(2), SortKey.desc(0), new SortKey(1, true, true));
        var sort = (SortOperator.Factory) viaCodec(SortOperator.factory(keys).withOutputBatchRows(77));
        assertThat(sort.keys()).isEqualTo(keys);
        assertThat(sort.outputBatchRows()).isEqualTo(77);

        var topK = (TopKOperator.Factory) viaCodec(TopKOperator.factory(keys, 10, 20).withOutputBatchRows(5));
        assertThat(topK.keys()).isEqualTo(keys);
        assertThat(List.of(topK.offset(), topK.limit(), (long) topK.outputBatchRows())).containsExactly(10L, 20L, 5L);

        var limit = (LimitOperator.Factory) viaCodec(LimitOperator.factory(3, LimitOperator.NO_LIMIT));
        assertThat(limit.offset()).isEqualTo(3);
        assertThat(limit.limit()).isEqualTo(LimitOperator.NO_LIMIT);

        assertThat(((UnionAllOperator.Factory) viaCodec(UnionAllOperator.factory())).schema()).isNull();
        assertThat(((UnionAllOperator.Factory) viaCodec(UnionAllOperator.factory(INPUT))).schema()).isEqualTo(INPUT);
    }

    @Test
    void window() {
        WindowSpec spec = new WindowSpec(List.of(1), List.of(SortKey.desc(3)), WindowFrame.rows(-2, 1));
        List<WindowCall> calls = List.of(WindowCall.of(WindowFunction.ROW_NUMBER, "rn"),
                WindowCall.of(WindowFunction.SUM, 2, "s"),
                WindowCall.shift(WindowFunction.LAG, 0, 2, 99L, "prev"),
                WindowCall.shift(WindowFunction.LEAD, 3, 1, LocalDate.of(2000, 1, 1), "next"),
                WindowCall.shift(WindowFunction.LEAD, 1, 1, null, "n2"));
        var d = (WindowOperator.Factory) viaCodec(new WindowOperator.Factory(spec, calls, 123));
        assertThat(d.spec()).isEqualTo(spec);
        assertThat(d.calls()).isEqualTo(calls);
        assertThat(d.outputBatchRows()).isEqualTo(123);
        var whole = (WindowOperator.Factory) viaCodec(WindowOperator.factory(
                new WindowSpec(List.of(), List.of(), WindowFrame.WHOLE_PARTITION), calls.subList(0, 1)));
        assertThat(whole.spec().frame()).isEqualTo(WindowFrame.WHOLE_PARTITION);
    }

    @Test
    void fileWriters() {
        assertThat(viaCodec(FileWriters.parquet("/out/p", "w1")))
                .isEqualTo(new ParquetWriterOperator.Factory("/out/p", "w1"));
        assertThat(viaCodec(FileWriters.arrow("/out/a", "w2")))
                .isEqualTo(new ArrowIpcWriterOperator.Factory("/out/a", "w2"));
        assertThat(viaCodec(FileWriters.csv("/out/c", "w3", new CsvWriteOptions('|', false))))
                .isEqualTo(new CsvWriterOperator.Factory("/out/c", "w3", new CsvWriteOptions('|', false)));
    }

    // ---- sources -------------------------------------------------------------------------------------------

    @Test
    void csvSourceWithEveryOption() {
        Schema schema = new Schema(List.of(Field.nullable("a", Types.BIGINT), Field.nullable("b", Types.VARCHAR)));
        CsvOptions options = CsvOptions.defaults().withHeader(false).withDelimiter(';').withQuote('\'')
                .withEscape('\\').withNullString("NA").withSchema(schema).withSkipMalformedRows(true).withBatchRows(10)
                .withAllowQuotedNewlines(true).withTrailingDelimiter(true).withMinSplitBytes(1234)
                .withInferenceRows(55);
        CsvSource d = (CsvSource) viaCodec(new CsvSource("/data/*.csv", options));
        assertThat(d.path()).isEqualTo("/data/*.csv");
        assertThat(d.options()).isEqualTo(options);

        // delimiter and quote swapped against the defaults: reachable only through an unused delimiter
        CsvOptions swapped = CsvOptions.defaults().withDelimiter('|').withQuote(',').withDelimiter('"')
                .withEscape('\\').withSchema(schema);
        assertThat(((CsvSource) viaCodec(new CsvSource("/x.csv", swapped))).options()).isEqualTo(swapped);
    }

    @Test
    void csvSourceSendsItsInferredSchema(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("t.csv");
        java.nio.file.Files.writeString(file, "id,name,when\n1,a,2024-01-02\n2,,2024-03-04\n");
        CsvSource source = new CsvSource(file.toString());
        CsvSource d = (CsvSource) viaCodec(source);
        assertThat(d.options().schema()).isEqualTo(source.schema());
        assertThat(d.options().withSchema(null)).isEqualTo(source.options());
        assertThat(CodecTesting.run(CodecTesting.sourceOnly(d))).hasSize(2);
    }

    @Test
    void parquetSourceWithProjectionFilterAndSplitSize() {
        ParquetFilter filter = ParquetFilter.and(
                ParquetFilter.between("d", LocalDate.of(1994, 1, 1), LocalDate.of(1995, 1, 1)),
                ParquetFilter.or(ParquetFilter.eq("s", "x"),
                        ParquetFilter.in("n", List.of(1L, 2.5, new BigDecimal("3.10")))),
                ParquetFilter.not(ParquetFilter.isNull("s")), ParquetFilter.isNotNull("n"),
                ParquetFilter.ne("n", 7), ParquetFilter.lt("n", 1), ParquetFilter.le("n", 2), ParquetFilter.gt("n", 3));
        ParquetSource source = new ParquetSource("/data/t/*.parquet", List.of("s", "n"), 4096).withFilter(filter)
                .withRowGroupSplitBytes(0);
        ParquetSource d = (ParquetSource) viaCodec(source);
        assertThat(d.path()).isEqualTo(source.path());
        assertThat(d.columns()).containsExactly("s", "n");
        assertThat(d.batchSize()).isEqualTo(4096);
        assertThat(d.filter()).isEqualTo(filter);
        assertThat(d.rowGroupSplitBytes()).isZero();

        ParquetSource all = (ParquetSource) viaCodec(new ParquetSource("/data/t"));
        assertThat(all.columns()).isNull();
        assertThat(all.filter()).isNull();
        assertThat(all.rowGroupSplitBytes()).isEqualTo(ParquetSource.DEFAULT_ROW_GROUP_SPLIT_BYTES);
    }

    @Test
    void fileSources() {
        assertThat(((ArrowIpcSource) viaCodec(new ArrowIpcSource("/a/*.arrow"))).path()).isEqualTo("/a/*.arrow");
        FilesSource files = (FilesSource) viaCodec(new FilesSource("/docs", 1000, 200));
        assertThat(List.of(files.path(), files.splitBytes(), files.batchBytes())).containsExactly("/docs", 1000L, 200L);
    }

    @Test
    void valuesSourceKeepsRowsAndTypes() {
        Schema schema = new Schema(List.of(Field.nullable("b", Types.BOOLEAN), Field.nullable("i", Types.BIGINT),
                Field.nullable("d", Types.DOUBLE), Field.nullable("m", new ArrowType.Decimal(10, 3, 128)),
                Field.nullable("s", Types.VARCHAR), Field.nullable("day", Types.DATE),
                Field.nullable("ts", Types.TIMESTAMP)));
        List<List<Object>> rows = List.of(
                List.of(true, 1L, 1.5, new BigDecimal("1.250"), "a", LocalDate.of(2020, 1, 1),
                        LocalDateTime.of(2020, 1, 1, 12, 0, 0, 1000)),
                Arrays.asList(null, null, null, null, null, null, null));
        ValuesSource d = (ValuesSource) viaCodec(new ValuesSource(schema, rows));
        assertThat(d.schema()).isEqualTo(schema);
        assertThat(d.rows()).isEqualTo(rows);
        assertThat(CodecTesting.run(CodecTesting.sourceOnly(d))).hasSize(2);
    }

    @Test
    void inMemoryBatchesTravelAsArrowIpc() {
        Schema schema = new Schema(List.of(Field.nullable("id", Types.BIGINT), Field.nullable("s", Types.VARCHAR)));
        try (BufferAllocator allocator = TestAllocator.create()) {
            List<VectorSchemaRoot> batches = List.of(batch(schema, allocator, 0, 3), batch(schema, allocator, 10, 2));
            try (InMemorySource source = new InMemorySource(schema, batches, allocator)) {
                batches.forEach(VectorSchemaRoot::close);
                TaskGraph.Builder b = TaskGraph.builder();
                int s = b.source("scan", source, 2);
                int o = b.operator("union", UnionAllOperator.factory(), 2);
                TaskGraph g = b.connect(s, o, Partitioners.roundRobin()).output(o).build();
                TaskGraph d = roundTrip(g);
                assertThat(d.node(s).source()).isInstanceOf(ArrowBatchesSource.class);
                assertThat(d.node(s).source().schema()).isEqualTo(schema);
                assertThat(d.node(s).source().splits(4)).hasSize(2);
                List<List<Object>> rows = CodecTesting.run(d);
                assertThat(rows).hasSize(5).contains(Arrays.asList(11L, null));
                CodecTesting.assertSameRows(rows, CodecTesting.run(g, allocator), false);
                assertThat(PlanCodec.userClasses(g)).isEmpty();
            }
        }
    }

    private static VectorSchemaRoot batch(Schema schema, BufferAllocator allocator, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        BigIntVector ids = (BigIntVector) root.getVector(0);
        VarCharVector names = (VarCharVector) root.getVector(1);
        for (int i = 0; i < rows; i++) {
            ids.setSafe(i, first + i);
            if (i % 2 == 0) {
                names.setSafe(i, ("n" + (first + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                names.setNull(i);
            }
        }
        root.setRowCount(rows);
        return root;
    }

    // ---- partitioners --------------------------------------------------------------------------------------

    @Test
    void builtInPartitioners() {
        for (Partitioner p : List.of(Partitioners.hash("a", "b"), Partitioners.broadcast(), Partitioners.roundRobin(),
                Partitioners.single(), Partitioners.forward())) {
            Partitioner d = viaCodec(p);
            assertThat(d).isExactlyInstanceOf(p.getClass());
            assertThat(d.describe()).isEqualTo(p.describe());
        }
        assertThat(viaCodec(Partitioners.hash("x", "y"))).isEqualTo(Partitioners.hash("x", "y"));
        assertThat(viaCodec(Partitioners.forward())).isSameAs(Partitioners.forward());
    }

    @Test
    void rangePartitionersOfEveryBoundaryType() {
        List<RangePartitioner> ranges = List.of(Partitioners.range("a", 1L, 5L), Partitioners.range("a", -0.5, 2.5),
                Partitioners.range("a", new BigDecimal("1.10"), new BigDecimal("20")),
                Partitioners.range("a", "apple", "pear"),
                Partitioners.range("a", LocalDate.of(1995, 1, 1), LocalDate.of(1996, 1, 1)),
                Partitioners.range("a", new String[0]), Partitioners.range("a", new LocalDate[0]));
        for (RangePartitioner r : ranges) {
            RangePartitioner d = (RangePartitioner) viaCodec(r);
            assertThat(d).isEqualTo(r);
            assertThat(d.boundaryClass()).isEqualTo(r.boundaryClass());
            assertThat(d.boundaries()).isEqualTo(r.boundaries());
        }
    }

    // ---- user code -----------------------------------------------------------------------------------------

    /** A user's operator factory: passes batches on; its label must survive the trip. */
    static final class LabelledPassThrough implements OperatorFactory {
        private static final long serialVersionUID = 1L;
        final String label;

        LabelledPassThrough(String label) {
            this.label = label;
        }

        @Override
        public dev.numbat.core.operator.Operator create(int channel) {
            return (input, batch, out) -> out.emit(batch);
        }
    }

    @Test
    void userOperatorTravelsAsUserObjectAndNeedsConsent() {
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("scan", SOME_SOURCE, 1);
        int o = b.operator("mine", new LabelledPassThrough("hello"), 1);
        TaskGraph g = b.connect(s, o, Partitioners.forward()).output(o).build();

        TaskGraphProto proto = PlanCodec.toProto(g);
        assertThat(userObjects(proto)).singleElement()
                .satisfies(u -> assertThat(u.getClassName()).isEqualTo(LabelledPassThrough.class.getName()));
        assertThat(PlanCodec.userClasses(g)).containsExactly(LabelledPassThrough.class);

        TaskGraph d = roundTrip(g);
        assertThat(d.node(o).factory()).isInstanceOfSatisfying(LabelledPassThrough.class,
                f -> assertThat(f.label).isEqualTo("hello"));

        assertThatThrownBy(() -> PlanCodec.decode(proto.toByteArray(), getClass().getClassLoader(), false))
                .isInstanceOfSatisfying(NumbatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("user code").hasMessageContaining("not allowed")
                .hasMessageContaining(LabelledPassThrough.class.getName());
    }

    @Test
    void userClassesResolveThroughTheGivenClassLoader() {
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("scan", SOME_SOURCE, 1);
        int o = b.operator("mine", new LabelledPassThrough("x"), 1);
        byte[] bytes = PlanCodec.encode(b.connect(s, o, Partitioners.forward()).build());

        // A loader that sees the JDK only: the user's class is not there, so decoding must fail...
        ClassLoader jdkOnly = new ClassLoader(null) {
        };
        assertThatThrownBy(() -> PlanCodec.decode(bytes, jdkOnly, true))
                .isInstanceOf(NumbatException.class).hasMessageContaining("not found")
                .hasMessageContaining(LabelledPassThrough.class.getName());
        // ...and one that delegates to the test's loader is asked for it by name.
        List<String> asked = new ArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        assertThat(PlanCodec.decode(bytes, recording, true).node(o).factory()).isInstanceOf(LabelledPassThrough.class);
        assertThat(asked).contains(LabelledPassThrough.class.getName());
    }

    @Test
    void userLambdasAndWrappersOfThem() {
        Partitioner toZero = (batch, consumers, out) -> out.sendAll(0);
        JoinFilter keepAll = candidates -> {
            boolean[] keep = new boolean[candidates.getRowCount()];
            Arrays.fill(keep, true);
            return keep;
        };
        TaskGraph.Builder b = TaskGraph.builder();
        int l = b.source("l", SOME_SOURCE, 1);
        int r = b.source("r", SOME_SOURCE, 1);
        int j = b.operator("join", HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0})
                .withFilter(keepAll), 2);
        b.connect(l, j, 0, toZero, false);
        b.connect(r, j, 1, Partitioners.custom("to zero", toZero), true);
        TaskGraph g = b.build();

        TaskGraphProto proto = PlanCodec.toProto(g);
        assertThat(userObjects(proto)).hasSize(3)
                .allSatisfy(u -> assertThat(u.getClassName()).isEqualTo(PlanCodecTest.class.getName()));
        assertThat(PlanCodec.userClasses(g)).containsExactly(PlanCodecTest.class);
        TaskGraph d = roundTrip(g);
        assertThat(d.edges().get(1).partitioner().describe()).isEqualTo("to zero");
        assertThat(d.edges().get(1).partitioner()).isInstanceOf(Partitioners.Described.class);
        assertThat(((HashJoinOperator.Factory) d.node(j).factory()).filter()).isNotNull();

        assertThatThrownBy(() -> PlanCodec.fromProto(proto, null, false)).isInstanceOf(NumbatException.class)
                .hasMessageContaining("not allowed");
    }

    @Test
    void describedBuiltInStaysBuiltIn() {
        Partitioner p = viaCodec(Partitioners.custom("by a", Partitioners.hash("a")));
        assertThat(p.describe()).isEqualTo("by a");
        assertThat(((Partitioners.Described) p).fn()).isEqualTo(Partitioners.hash("a"));
    }

    @Test
    void unserializableUserObjectIsAUserError() {
        Object notSerializable = new Object();
        Partitioner capturing = (batch, consumers, out) -> out.sendAll(notSerializable.hashCode() % consumers);
        TaskGraph.Builder b = TaskGraph.builder();
        int s = b.source("s", SOME_SOURCE, 1);
        int o = b.operator("u", UnionAllOperator.factory(), 1);
        TaskGraph g = b.connect(s, o, capturing).build();
        assertThatThrownBy(() -> PlanCodec.encode(g)).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR)).hasMessageContaining("serializable");
        assertThat(PlanCodec.userClasses(g)).containsExactly(PlanCodecTest.class);
    }

    @Test
    void malformedMessagesAreUserErrors() {
        assertThatThrownBy(() -> PlanCodec.decode(new byte[] {1, 2, 3, 4}, null, false))
                .isInstanceOf(NumbatException.class).hasMessageContaining("invalid plan");
        TaskGraphProto noKind = TaskGraphProto.newBuilder().setOutput(-1)
                .addNodes(dev.numbat.cluster.proto.NodeProto.newBuilder().setId(0).setName("x").setChannels(1)).build();
        assertThatThrownBy(() -> PlanCodec.fromProto(noKind, null, false)).isInstanceOf(NumbatException.class)
                .hasMessageContaining("invalid plan");
        TaskGraphProto badEdge = PlanCodec.toProto(CodecTesting.sourceOnly(SOME_SOURCE)).toBuilder()
                .addEdges(dev.numbat.cluster.proto.EdgeProto.newBuilder().setFrom(0).setTo(7)
                        .setPartitioner(dev.numbat.cluster.proto.PartitionerProto.newBuilder()
                                .setSingle(dev.numbat.cluster.proto.PartitionerProto.Unit.getDefaultInstance())))
                .build();
        assertThatThrownBy(() -> PlanCodec.fromProto(badEdge, null, false)).isInstanceOf(NumbatException.class)
                .hasMessageContaining("invalid plan");
    }
}
