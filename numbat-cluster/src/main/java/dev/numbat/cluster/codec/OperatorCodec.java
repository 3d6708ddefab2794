package dev.numbat.cluster.codec;

import static dev.numbat.cluster.codec.ExprCodec.expr;
import static dev.numbat.cluster.codec.ExprCodec.invalid;
import static dev.numbat.cluster.codec.ExprCodec.javaEnum;
import static dev.numbat.cluster.codec.ExprCodec.protoEnum;
import static dev.numbat.cluster.codec.ExprCodec.schema;
import static dev.numbat.cluster.codec.ExprCodec.value;

import dev.numbat.cluster.codec.UserObjects.Decoding;
import dev.numbat.cluster.codec.UserObjects.Encoding;
import dev.numbat.cluster.proto.OperatorProto;
import dev.numbat.cluster.proto.SortKeyProto;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.ExprCompiler;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.io.write.ArrowIpcWriterOperator;
import dev.numbat.io.write.CsvWriteOptions;
import dev.numbat.io.write.CsvWriterOperator;
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
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Operator factories to and from {@link OperatorProto}: the built-ins field by field, others as user objects. */
final class OperatorCodec {
    private OperatorCodec() {
    }

    static OperatorProto encode(OperatorFactory f, Encoding enc) {
        OperatorProto.Builder b = OperatorProto.newBuilder();
        if (f instanceof FilterProjectOperator.Factory fp) {
            OperatorProto.FilterProject.Builder p = OperatorProto.FilterProject.newBuilder()
                    .setInputColumns(fp.inputColumns()).addAllNames(fp.names());
            if (fp.filter() != null) {
                p.setFilter(expr(fp.filter()));
            }
            fp.projections().forEach(e -> p.addProjections(expr(e)));
            b.setFilterProject(p);
        } else if (f instanceof HashAggregateOperator.Factory agg) {
            OperatorProto.HashAggregate.Builder p = OperatorProto.HashAggregate.newBuilder()
                    .setMode(protoEnum(OperatorProto.HashAggregate.Mode.class, agg.mode()))
                    .setInputSchema(schema(agg.inputSchema())).addAllGroupKeys(agg.groupKeys());
            for (AggregateCall c : agg.calls()) {
                p.addCalls(OperatorProto.HashAggregate.Call.newBuilder()
                        .setFunction(protoEnum(OperatorProto.HashAggregate.Function.class, c.function()))
                        .setArgument(c.argument()).setName(c.name()));
            }
            b.setHashAggregate(p);
        } else if (f instanceof HashJoinOperator.Factory join) {
            b.setHashJoin(join(join, enc));
        } else if (f instanceof SortOperator.Factory sort) {
            b.setSort(OperatorProto.Sort.newBuilder().addAllKeys(sortKeys(sort.keys()))
                    .setOutputBatchRows(sort.outputBatchRows()));
        } else if (f instanceof TopKOperator.Factory topK) {
            b.setTopK(OperatorProto.TopK.newBuilder().addAllKeys(sortKeys(topK.keys())).setOffset(topK.offset())
                    .setLimit(topK.limit()).setOutputBatchRows(topK.outputBatchRows()));
        } else if (f instanceof LimitOperator.Factory limit) {
            b.setLimit(OperatorProto.Limit.newBuilder().setOffset(limit.offset()).setLimit(limit.limit()));
        } else if (f instanceof UnionAllOperator.Factory union) {
            OperatorProto.UnionAll.Builder p = OperatorProto.UnionAll.newBuilder();
            if (union.schema() != null) {
                p.setSchema(schema(union.schema()));
            }
            b.setUnionAll(p);
        } else if (f instanceof WindowOperator.Factory window) {
            b.setWindow(window(window));
        } else if (f instanceof ParquetWriterOperator.Factory w) {
            b.setFileWriter(writer(OperatorProto.FileWriter.Format.PARQUET, w.dir(), w.writeId()));
        } else if (f instanceof ArrowIpcWriterOperator.Factory w) {
            b.setFileWriter(writer(OperatorProto.FileWriter.Format.ARROW_IPC, w.dir(), w.writeId()));
        } else if (f instanceof CsvWriterOperator.Factory w) {
            b.setFileWriter(writer(OperatorProto.FileWriter.Format.CSV, w.dir(), w.writeId())
                    .setCsvDelimiter(String.valueOf(w.options().delimiter())).setCsvHeader(w.options().header()));
        } else {
            b.setUser(UserObjects.encode(f, enc));
        }
        return b.build();
    }

    static OperatorFactory decode(OperatorProto p, Decoding dec) {
        return switch (p.getKindCase()) {
            case FILTER_PROJECT -> {
                OperatorProto.FilterProject fp = p.getFilterProject();
                List<Expr> projections = fp.getProjectionsList().stream().map(ExprCodec::expr).toList();
                yield FilterProjectOperator.factory(columns(fp.getInputColumns()),
                        fp.hasFilter() ? expr(fp.getFilter()) : null, projections, fp.getNamesList());
            }
            case HASH_AGGREGATE -> {
                OperatorProto.HashAggregate agg = p.getHashAggregate();
                List<AggregateCall> calls = new ArrayList<>();
                for (OperatorProto.HashAggregate.Call c : agg.getCallsList()) {
                    calls.add(new AggregateCall(javaEnum(AggregateFunction.class, c.getFunction()), c.getArgument(),
                            c.getName()));
                }
                yield new HashAggregateOperator.Factory(javaEnum(AggregateMode.class, agg.getMode()),
                        schema(agg.getInputSchema()), agg.getGroupKeysList(), calls);
            }
            case HASH_JOIN -> join(p.getHashJoin(), dec);
            case SORT -> new SortOperator.Factory(fromProto(p.getSort().getKeysList()),
                    p.getSort().getOutputBatchRows());
            case TOP_K -> {
                OperatorProto.TopK t = p.getTopK();
                yield new TopKOperator.Factory(fromProto(t.getKeysList()), t.getOffset(), t.getLimit(),
                        t.getOutputBatchRows());
            }
            case LIMIT -> new LimitOperator.Factory(p.getLimit().getOffset(), p.getLimit().getLimit());
            case UNION_ALL -> p.getUnionAll().getSchema().isEmpty() ? UnionAllOperator.factory()
                    : UnionAllOperator.factory(schema(p.getUnionAll().getSchema()));
            case WINDOW -> window(p.getWindow());
            case FILE_WRITER -> writer(p.getFileWriter());
            case USER -> UserObjects.decode(p.getUser(), OperatorFactory.class, "operator", dec);
            case KIND_NOT_SET -> throw invalid("an operator has no kind");
        };
    }

    /**
     * A schema of {@code n} columns standing for a filter+project's input, whose factory only checks column
     * indices against the input's width.
     */
    private static Schema columns(int n) {
        return new Schema(Collections.nCopies(n, Field.nullable("c", ArrowType.Null.INSTANCE)));
    }

    private static OperatorProto.HashJoin join(HashJoinOperator.Factory join, Encoding enc) {
        OperatorProto.HashJoin.Builder p = OperatorProto.HashJoin.newBuilder()
                .setType(protoEnum(OperatorProto.HashJoin.Type.class, join.type()))
                .setOutputBatchRows(join.outputBatchRows());
        for (int k : join.probeKeys()) {
            p.addProbeKeys(k);
        }
        for (int k : join.buildKeys()) {
            p.addBuildKeys(k);
        }
        JoinFilter filter = join.filter();
        if (filter instanceof ResidualJoinFilter residual) {
            p.setResidual(expr(residual.condition().expr()));
        } else if (filter != null) {
            p.setUserFilter(UserObjects.encode(filter, enc));
        }
        if (join.probeSchema() != null) {
            p.setProbeSchema(schema(join.probeSchema())).setBuildSchema(schema(join.buildSchema()));
        }
        return p.build();
    }

    private static HashJoinOperator.Factory join(OperatorProto.HashJoin p, Decoding dec) {
        int[] probeKeys = p.getProbeKeysList().stream().mapToInt(Integer::intValue).toArray();
        int[] buildKeys = p.getBuildKeysList().stream().mapToInt(Integer::intValue).toArray();
        HashJoinOperator.Factory f = HashJoinOperator.factory(javaEnum(JoinType.class, p.getType()), probeKeys,
                buildKeys).withOutputBatchRows(p.getOutputBatchRows());
        f = switch (p.getFilterCase()) {
            case RESIDUAL -> f.withFilter(new ResidualJoinFilter(ExprCompiler.compile(expr(p.getResidual()))));
            case USER_FILTER -> f.withFilter(UserObjects.decode(p.getUserFilter(), JoinFilter.class, "join filter",
                    dec));
            case FILTER_NOT_SET -> f;
        };
        if (!p.getProbeSchema().isEmpty()) {
            f = f.withInputSchemas(schema(p.getProbeSchema()), schema(p.getBuildSchema()));
        }
        return f;
    }

    private static OperatorProto.Window window(WindowOperator.Factory w) {
        WindowSpec spec = w.spec();
        OperatorProto.Window.Builder p = OperatorProto.Window.newBuilder().addAllPartitionBy(spec.partitionBy())
                .addAllOrderBy(sortKeys(spec.orderBy())).setFrameRows(spec.frame().rows())
                .setFrameLower(spec.frame().lower()).setFrameUpper(spec.frame().upper())
                .setOutputBatchRows(w.outputBatchRows());
        for (WindowCall c : w.calls()) {
            p.addCalls(OperatorProto.Window.Call.newBuilder()
                    .setFunction(protoEnum(OperatorProto.Window.Function.class, c.function()))
                    .setArgument(c.argument()).setOffset(c.offset()).setDefaultValue(value(c.defaultValue()))
                    .setName(c.name()));
        }
        return p.build();
    }

    private static WindowOperator.Factory window(OperatorProto.Window p) {
        List<WindowCall> calls = new ArrayList<>();
        for (OperatorProto.Window.Call c : p.getCallsList()) {
            Object dflt = value(c.getDefaultValue());
            calls.add(new WindowCall(javaEnum(WindowFunction.class, c.getFunction()), c.getArgument(), c.getOffset(),
                    (Serializable) dflt, c.getName()));
        }
        WindowSpec spec = new WindowSpec(p.getPartitionByList(), fromProto(p.getOrderByList()),
                new WindowFrame(p.getFrameRows(), p.getFrameLower(), p.getFrameUpper()));
        return new WindowOperator.Factory(spec, calls, p.getOutputBatchRows());
    }

    private static OperatorProto.FileWriter.Builder writer(OperatorProto.FileWriter.Format format, String dir,
                                                           String writeId) {
        return OperatorProto.FileWriter.newBuilder().setFormat(format).setDir(dir).setWriteId(writeId);
    }

    private static OperatorFactory writer(OperatorProto.FileWriter p) {
        return switch (p.getFormat()) {
            case PARQUET -> new ParquetWriterOperator.Factory(p.getDir(), p.getWriteId());
            case ARROW_IPC -> new ArrowIpcWriterOperator.Factory(p.getDir(), p.getWriteId());
            case CSV -> {
                if (p.getCsvDelimiter().length() != 1) {
                    throw invalid("CSV writer delimiter '" + p.getCsvDelimiter() + "'");
                }
                yield new CsvWriterOperator.Factory(p.getDir(), p.getWriteId(),
                        new CsvWriteOptions(p.getCsvDelimiter().charAt(0), p.getCsvHeader()));
            }
            case FORMAT_UNSPECIFIED, UNRECOGNIZED -> throw invalid("a file writer has no format");
        };
    }

    private static List<SortKeyProto> sortKeys(List<SortKey> keys) {
        List<SortKeyProto> out = new ArrayList<>(keys.size());
        for (SortKey k : keys) {
            out.add(SortKeyProto.newBuilder().setColumn(k.column()).setAscending(k.ascending())
                    .setNullsFirst(k.nullsFirst()).build());
        }
        return out;
    }

    private static List<SortKey> fromProto(List<SortKeyProto> keys) {
        List<SortKey> out = new ArrayList<>(keys.size());
        for (SortKeyProto k : keys) {
            out.add(new SortKey(k.getColumn(), k.getAscending(), k.getNullsFirst()));
        }
        return out;
    }
}
