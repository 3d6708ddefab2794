package dev.numbat.cluster.codec;

import static dev.numbat.cluster.codec.ExprCodec.invalid;
import static dev.numbat.cluster.codec.ExprCodec.javaEnum;
import static dev.numbat.cluster.codec.ExprCodec.protoEnum;
import static dev.numbat.cluster.codec.ExprCodec.schema;
import static dev.numbat.cluster.codec.ExprCodec.value;

import com.google.protobuf.ByteString;
import dev.numbat.cluster.codec.UserObjects.Decoding;
import dev.numbat.cluster.codec.UserObjects.Encoding;
import dev.numbat.cluster.proto.ParquetFilterProto;
import dev.numbat.cluster.proto.SourceProto;
import dev.numbat.cluster.proto.ValueProto;
import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.source.Source;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.files.FilesSource;
import dev.numbat.io.parquet.ParquetFilter;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.physical.ValuesSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Sources to and from {@link SourceProto}: the built-ins field by field, others as user objects. */
final class SourceCodec {
    private SourceCodec() {
    }

    static SourceProto encode(Source s, Encoding enc) {
        SourceProto.Builder b = SourceProto.newBuilder();
        if (s instanceof CsvSource csv) {
            b.setCsv(SourceProto.Csv.newBuilder().setPath(csv.path()).setOptions(csvOptions(csv)));
        } else if (s instanceof ParquetSource parquet) {
            SourceProto.Parquet.Builder p = SourceProto.Parquet.newBuilder().setPath(parquet.path())
                    .setBatchSize(parquet.batchSize()).setRowGroupSplitBytes(parquet.rowGroupSplitBytes());
            if (parquet.columns() != null) {
                p.setColumns(SourceProto.Parquet.Columns.newBuilder().addAllNames(parquet.columns()));
            }
            if (parquet.filter() != null) {
                p.setFilter(parquetFilter(parquet.filter()));
            }
            b.setParquet(p);
        } else if (s instanceof ArrowIpcSource arrow) {
            b.setArrowIpc(SourceProto.ArrowIpc.newBuilder().setPath(arrow.path()));
        } else if (s instanceof FilesSource files) {
            b.setFiles(SourceProto.Files.newBuilder().setPath(files.path()).setSplitBytes(files.splitBytes())
                    .setBatchBytes(files.batchBytes()));
        } else if (s instanceof InMemorySource memory) {
            SourceProto.InMemory.Builder p = SourceProto.InMemory.newBuilder().setSchema(schema(memory.schema()));
            if (!enc.classesOnly) {
                for (VectorSchemaRoot batch : memory.batches()) {
                    p.addBatches(ByteString.copyFrom(ArrowBatchesSource.toIpcStream(batch)));
                }
            }
            b.setInMemory(p);
        } else if (s instanceof ArrowBatchesSource memory) {
            b.setInMemory(SourceProto.InMemory.newBuilder().setSchema(schema(memory.schema()))
                    .addAllBatches(memory.ipcStreams()));
        } else if (s instanceof ValuesSource values) {
            SourceProto.Values.Builder p = SourceProto.Values.newBuilder().setSchema(schema(values.schema()));
            for (List<Object> row : values.rows()) {
                SourceProto.Values.Row.Builder r = SourceProto.Values.Row.newBuilder();
                row.forEach(v -> r.addValues(value(v)));
                p.addRows(r);
            }
            b.setValues(p);
        } else {
            b.setUser(UserObjects.encode(s, enc));
        }
        return b.build();
    }

    static Source decode(SourceProto p, Decoding dec) {
        return switch (p.getKindCase()) {
            case CSV -> new CsvSource(p.getCsv().getPath(), csvOptions(p.getCsv().getOptions()));
            case PARQUET -> {
                SourceProto.Parquet q = p.getParquet();
                yield new ParquetSource(q.getPath(), q.hasColumns() ? q.getColumns().getNamesList() : null,
                        q.getBatchSize()).withFilter(q.hasFilter() ? parquetFilter(q.getFilter()) : null)
                        .withRowGroupSplitBytes(q.getRowGroupSplitBytes());
            }
            case ARROW_IPC -> new ArrowIpcSource(p.getArrowIpc().getPath());
            case FILES -> new FilesSource(p.getFiles().getPath(), p.getFiles().getSplitBytes(),
                    p.getFiles().getBatchBytes());
            case IN_MEMORY -> new ArrowBatchesSource(schema(p.getInMemory().getSchema()),
                    p.getInMemory().getBatchesList());
            case VALUES -> {
                List<List<Object>> rows = new ArrayList<>(p.getValues().getRowsCount());
                for (SourceProto.Values.Row r : p.getValues().getRowsList()) {
                    List<Object> row = new ArrayList<>(r.getValuesCount());
                    r.getValuesList().forEach(v -> row.add(value(v)));
                    rows.add(row);
                }
                yield new ValuesSource(schema(p.getValues().getSchema()), rows);
            }
            case USER -> UserObjects.decode(p.getUser(), Source.class, "source", dec);
            case KIND_NOT_SET -> throw invalid("a source has no kind");
        };
    }

    // ---- CSV -----------------------------------------------------------------------------------------------

    /** The options with the source's schema, inferred or given, so that executors read the same types. */
    private static SourceProto.CsvOptions csvOptions(CsvSource csv) {
        CsvOptions o = csv.options();
        return SourceProto.CsvOptions.newBuilder().setHeader(o.header())
                .setDelimiter(String.valueOf(o.delimiter())).setQuote(String.valueOf(o.quote()))
                .setEscape(String.valueOf(o.escape())).setNullString(o.nullString()).setSchema(schema(csv.schema()))
                .setSkipMalformedRows(o.skipMalformedRows()).setBatchRows(o.batchRows())
                .setAllowQuotedNewlines(o.allowQuotedNewlines()).setTrailingDelimiter(o.trailingDelimiter())
                .setMinSplitBytes(o.minSplitBytes()).setInferenceRows(o.inferenceRows()).build();
    }

    private static CsvOptions csvOptions(SourceProto.CsvOptions p) {
        char delimiter = oneChar(p.getDelimiter(), "delimiter");
        char quote = oneChar(p.getQuote(), "quote");
        char escape = oneChar(p.getEscape(), "escape");
        // CsvOptions checks every step (delimiter != quote, ...): go through a delimiter none of them uses.
        char temp = '\u0001';
        while (temp == quote || temp == escape || temp == delimiter) {
            temp++;
        }
        CsvOptions o = CsvOptions.defaults().withDelimiter(temp).withQuote(quote).withDelimiter(delimiter)
                .withEscape(escape);
        return o.withHeader(p.getHeader()).withNullString(p.getNullString())
                .withSchema(p.getSchema().isEmpty() ? null : schema(p.getSchema()))
                .withSkipMalformedRows(p.getSkipMalformedRows()).withBatchRows(p.getBatchRows())
                .withAllowQuotedNewlines(p.getAllowQuotedNewlines()).withTrailingDelimiter(p.getTrailingDelimiter())
                .withMinSplitBytes(p.getMinSplitBytes()).withInferenceRows(p.getInferenceRows());
    }

    private static char oneChar(String s, String what) {
        if (s.length() != 1) {
            throw invalid("CSV " + what + " '" + s + "' is not one character");
        }
        return s.charAt(0);
    }

    // ---- Parquet row-group filters -------------------------------------------------------------------------

    static ParquetFilterProto parquetFilter(ParquetFilter f) {
        ParquetFilterProto.Builder b = ParquetFilterProto.newBuilder();
        if (f instanceof ParquetFilter.Compare c) {
            b.setCompare(ParquetFilterProto.Compare.newBuilder().setColumn(c.column())
                    .setOp(protoEnum(ParquetFilterProto.Op.class, c.op())).setLiteral(value(c.literal())));
        } else if (f instanceof ParquetFilter.In in) {
            ParquetFilterProto.In.Builder p = ParquetFilterProto.In.newBuilder().setColumn(in.column());
            in.values().forEach(v -> p.addValues(value(v)));
            b.setInList(p);
        } else if (f instanceof ParquetFilter.IsNull n) {
            b.setIsNull(n.column());
        } else if (f instanceof ParquetFilter.IsNotNull n) {
            b.setIsNotNull(n.column());
        } else if (f instanceof ParquetFilter.And and) {
            b.setAnd(terms(and.terms()));
        } else if (f instanceof ParquetFilter.Or or) {
            b.setOr(terms(or.terms()));
        } else {
            b.setNot(parquetFilter(((ParquetFilter.Not) f).term()));
        }
        return b.build();
    }

    private static ParquetFilterProto.Terms terms(List<ParquetFilter> terms) {
        ParquetFilterProto.Terms.Builder b = ParquetFilterProto.Terms.newBuilder();
        terms.forEach(t -> b.addTerms(parquetFilter(t)));
        return b.build();
    }

    static ParquetFilter parquetFilter(ParquetFilterProto p) {
        return switch (p.getKindCase()) {
            case COMPARE -> new ParquetFilter.Compare(p.getCompare().getColumn(),
                    javaEnum(ParquetFilter.Op.class, p.getCompare().getOp()), value(p.getCompare().getLiteral()));
            case IN_LIST -> {
                List<Object> values = new ArrayList<>();
                for (ValueProto v : p.getInList().getValuesList()) {
                    values.add(value(v));
                }
                yield new ParquetFilter.In(p.getInList().getColumn(), values);
            }
            case IS_NULL -> new ParquetFilter.IsNull(p.getIsNull());
            case IS_NOT_NULL -> new ParquetFilter.IsNotNull(p.getIsNotNull());
            case AND -> new ParquetFilter.And(terms(p.getAnd()));
            case OR -> new ParquetFilter.Or(terms(p.getOr()));
            case NOT -> new ParquetFilter.Not(parquetFilter(p.getNot()));
            case KIND_NOT_SET -> throw invalid("a Parquet filter has no kind");
        };
    }

    private static List<ParquetFilter> terms(ParquetFilterProto.Terms p) {
        List<ParquetFilter> out = new ArrayList<>(p.getTermsCount());
        p.getTermsList().forEach(t -> out.add(parquetFilter(t)));
        return out;
    }
}
