package dev.numbat.io.parquet;

import dev.numbat.core.NumbatException;
import dev.numbat.io.parquet.ParquetFilter.And;
import dev.numbat.io.parquet.ParquetFilter.Compare;
import dev.numbat.io.parquet.ParquetFilter.In;
import dev.numbat.io.parquet.ParquetFilter.IsNotNull;
import dev.numbat.io.parquet.ParquetFilter.IsNull;
import dev.numbat.io.parquet.ParquetFilter.Not;
import dev.numbat.io.parquet.ParquetFilter.Op;
import dev.numbat.io.parquet.ParquetFilter.Or;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Decides from a row group's footer statistics whether a {@link ParquetFilter} can be true for any of its
 * rows. Answers "maybe" whenever it cannot prove "no": statistics absent or without a non-null value, an
 * undefined column order (old writers' signed byte order for strings), unsigned or otherwise unhandled
 * annotations, floating-point NaN or infinite bounds, literals of a type that does not fit the column.
 */
final class RowGroupPruner {
    private final ParquetFilter filter;
    private final MessageType schema;

    /** @param filter already checked for unknown columns by {@link #check} */
    RowGroupPruner(ParquetFilter filter, MessageType schema, Path file) {
        this.filter = pushNegations(filter, false);
        this.schema = schema;
        check(filter, schema, file);
    }

    /** True if some row of {@code block} might satisfy the filter. */
    boolean mayMatch(BlockMetaData block) {
        Map<String, ColumnChunkMetaData> chunks = new HashMap<>();
        for (ColumnChunkMetaData c : block.getColumns()) {
            if (c.getPath().size() == 1) {
                chunks.put(c.getPath().toArray()[0], c);
            }
        }
        return mayMatch(filter, block.getRowCount(), chunks);
    }

    /** Every column the filter names must exist in the file. */
    private static void check(ParquetFilter f, MessageType schema, Path file) {
        if (f instanceof Compare c) {
            checkColumn(c.column(), schema, file);
        } else if (f instanceof In in) {
            checkColumn(in.column(), schema, file);
        } else if (f instanceof IsNull n) {
            checkColumn(n.column(), schema, file);
        } else if (f instanceof IsNotNull n) {
            checkColumn(n.column(), schema, file);
        } else if (f instanceof And a) {
            a.terms().forEach(t -> check(t, schema, file));
        } else if (f instanceof Or o) {
            o.terms().forEach(t -> check(t, schema, file));
        } else if (f instanceof Not n) {
            check(n.term(), schema, file);
        }
    }

    private static void checkColumn(String column, MessageType schema, Path file) {
        if (!schema.containsField(column)) {
            throw NumbatException.userError("filter column %s not found in Parquet file %s; it has %s", column, file,
                    schema.getFields().stream().map(Type::getName).toList());
        }
    }

    /** Negation normal form: NOT only disappears, by De Morgan and by negating comparisons. */
    static ParquetFilter pushNegations(ParquetFilter f, boolean negate) {
        if (f instanceof Not n) {
            return pushNegations(n.term(), !negate);
        }
        if (f instanceof And a) {
            List<ParquetFilter> terms = new ArrayList<>();
            a.terms().forEach(t -> terms.add(pushNegations(t, negate)));
            return negate ? new Or(terms) : new And(terms);
        }
        if (f instanceof Or o) {
            List<ParquetFilter> terms = new ArrayList<>();
            o.terms().forEach(t -> terms.add(pushNegations(t, negate)));
            return negate ? new And(terms) : new Or(terms);
        }
        if (!negate) {
            return f;
        }
        if (f instanceof Compare c) {
            return new Compare(c.column(), c.op().negate(), c.literal());
        }
        if (f instanceof In in) {
            List<ParquetFilter> terms = new ArrayList<>();
            in.values().forEach(v -> terms.add(new Compare(in.column(), Op.NE, v)));
            return new And(terms);
        }
        if (f instanceof IsNull n) {
            return new IsNotNull(n.column());
        }
        if (f instanceof IsNotNull n) {
            return new IsNull(n.column());
        }
        throw new IllegalArgumentException("unknown filter " + f);
    }

    private boolean mayMatch(ParquetFilter f, long rows, Map<String, ColumnChunkMetaData> chunks) {
        if (f instanceof And a) {
            for (ParquetFilter t : a.terms()) {
                if (!mayMatch(t, rows, chunks)) {
                    return false;
                }
            }
            return true;
        }
        if (f instanceof Or o) {
            for (ParquetFilter t : o.terms()) {
                if (mayMatch(t, rows, chunks)) {
                    return true;
                }
            }
            return o.terms().isEmpty();
        }
        if (f instanceof IsNull n) {
            Statistics<?> s = stats(chunks, n.column());
            return s == null || !s.isNumNullsSet() || s.getNumNulls() > 0;
        }
        if (f instanceof IsNotNull n) {
            return !allNull(stats(chunks, n.column()), rows);
        }
        if (f instanceof Compare c) {
            Statistics<?> s = stats(chunks, c.column());
            if (allNull(s, rows)) {
                return false;
            }
            Bounds b = bounds(s, c.column(), c.literal());
            return b == null || b.mayMatch(c.op());
        }
        if (f instanceof In in) {
            Statistics<?> s = stats(chunks, in.column());
            if (allNull(s, rows)) {
                return false;
            }
            for (Object v : in.values()) {
                Bounds b = bounds(s, in.column(), v);
                if (b == null || b.mayMatch(Op.EQ)) {
                    return true;
                }
            }
            return false;
        }
        return true; // NOT was removed by pushNegations
    }

    private static Statistics<?> stats(Map<String, ColumnChunkMetaData> chunks, String column) {
        ColumnChunkMetaData c = chunks.get(column);
        return c == null ? null : c.getStatistics();
    }

    private static boolean allNull(Statistics<?> s, long rows) {
        return s != null && s.isNumNullsSet() && s.getNumNulls() >= rows && rows > 0;
    }

    /** The chunk's min and max in the literal's domain, or null if they cannot be trusted for it. */
    private Bounds bounds(Statistics<?> s, String column, Object literal) {
        if (s == null || s.isEmpty() || !s.hasNonNullValue()) {
            return null;
        }
        Type t = schema.getType(column);
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
            return null;
        }
        PrimitiveType type = t.asPrimitiveType();
        if (type.columnOrder() == null
                || type.columnOrder().getColumnOrderName() != ColumnOrder.ColumnOrderName.TYPE_DEFINED_ORDER) {
            return null;
        }
        Comparable<?> min = domainValue(s.genericGetMin(), type, literal);
        Comparable<?> max = domainValue(s.genericGetMax(), type, literal);
        Comparable<?> lit = literalValue(literal);
        if (min == null || max == null || lit == null) {
            return null;
        }
        return new Bounds(min, max, lit);
    }

    private static Comparable<?> literalValue(Object literal) {
        if (literal instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (literal instanceof Double d) {
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        if (literal instanceof BigDecimal d) {
            return d;
        }
        if (literal instanceof String s) {
            return new Bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (literal instanceof LocalDate d) {
            return d.toEpochDay();
        }
        return null;
    }

    /** A statistics value as a comparable in the literal's domain (BigDecimal, Long epoch day, Bytes), or null. */
    private static Comparable<?> domainValue(Object value, PrimitiveType type, Object literal) {
        LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
        boolean numericLiteral = literal instanceof Long || literal instanceof Double || literal instanceof BigDecimal;
        switch (type.getPrimitiveTypeName()) {
            case INT32, INT64 -> {
                long v = ((Number) value).longValue();
                if (a instanceof DateLogicalTypeAnnotation) {
                    return literal instanceof LocalDate ? (Comparable<?>) v : null;
                }
                if (!numericLiteral) {
                    return null;
                }
                if (a == null || (a instanceof IntLogicalTypeAnnotation i && i.isSigned())) {
                    return BigDecimal.valueOf(v);
                }
                if (a instanceof DecimalLogicalTypeAnnotation d) {
                    return BigDecimal.valueOf(v, d.getScale());
                }
                return null;
            }
            case FLOAT, DOUBLE -> {
                double v = ((Number) value).doubleValue();
                return numericLiteral && a == null && Double.isFinite(v) ? new BigDecimal(v) : null;
            }
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                byte[] bytes = ((Binary) value).getBytes();
                if (a instanceof DecimalLogicalTypeAnnotation d) {
                    return numericLiteral && bytes.length > 0 ? new BigDecimal(new BigInteger(bytes), d.getScale()) : null;
                }
                if (literal instanceof String && type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
                        && (a == null || a instanceof StringLogicalTypeAnnotation)) {
                    return new Bytes(bytes);
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** UTF-8 (or raw) bytes in unsigned lexicographic order, Parquet's order for strings. */
    private record Bytes(byte[] bytes) implements Comparable<Bytes> {
        @Override
        public int compareTo(Bytes o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private record Bounds(Comparable<?> min, Comparable<?> max, Comparable<?> literal) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int cmp(Comparable a, Comparable b) {
            return a.compareTo(b);
        }

        boolean mayMatch(Op op) {
            int minVsLit = cmp(min, literal);
            int maxVsLit = cmp(max, literal);
            return switch (op) {
                case EQ -> minVsLit <= 0 && maxVsLit >= 0;
                case NE -> !(minVsLit == 0 && maxVsLit == 0);
                case LT -> minVsLit < 0;
                case LE -> minVsLit <= 0;
                case GT -> maxVsLit > 0;
                case GE -> maxVsLit >= 0;
            };
        }
    }
}
