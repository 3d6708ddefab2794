package dev.numbat.cluster.flightsql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight SQL column metadata ({@link FlightSqlColumnMetadata}) added to schemas sent to clients: the SQL type
 * name, precision and scale of decimals, and for table columns the catalog, schema and table. The JDBC driver
 * reads it for {@code ResultSetMetaData} (without it a decimal's scale reads as 0) and {@code getColumns}.
 * Metadata the backend already put on a field wins.
 */
final class ColumnMetadata {
    private ColumnMetadata() {
    }

    /** {@code schema} with column metadata; {@code table} null for a query result. */
    static Schema decorate(Schema schema, String catalog, String dbSchema, String table) {
        List<Field> fields = new ArrayList<>(schema.getFields().size());
        for (Field f : schema.getFields()) {
            FlightSqlColumnMetadata.Builder b = new FlightSqlColumnMetadata.Builder().typeName(typeName(f.getType()));
            if (f.getType() instanceof ArrowType.Decimal d) {
                b.precision(d.getPrecision()).scale(d.getScale());
            }
            if (table != null) {
                b.catalogName(catalog).schemaName(dbSchema).tableName(table);
            }
            boolean text = f.getType() instanceof ArrowType.Utf8 || f.getType() instanceof ArrowType.LargeUtf8;
            b.isAutoIncrement(false).isReadOnly(true).isSearchable(true).isCaseSensitive(text);
            Map<String, String> metadata = new HashMap<>(b.build().getMetadataMap());
            if (f.getMetadata() != null) {
                metadata.putAll(f.getMetadata());
            }
            FieldType type = new FieldType(f.isNullable(), f.getType(), f.getDictionary(), metadata);
            fields.add(new Field(f.getName(), type, f.getChildren()));
        }
        return new Schema(fields, schema.getCustomMetadata());
    }

    /** The SQL name of an Arrow type, as Numbat's SQL spells it. */
    static String typeName(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            return switch (i.getBitWidth()) {
                case 8 -> "TINYINT";
                case 16 -> "SMALLINT";
                case 32 -> "INTEGER";
                default -> "BIGINT";
            };
        } else if (type instanceof ArrowType.FloatingPoint f) {
            return switch (f.getPrecision()) {
                case DOUBLE -> "DOUBLE";
                default -> "REAL";
            };
        } else if (type instanceof ArrowType.Decimal) {
            return "DECIMAL";
        } else if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8
                || type instanceof ArrowType.Utf8View) {
            return "VARCHAR";
        } else if (type instanceof ArrowType.Binary || type instanceof ArrowType.LargeBinary
                || type instanceof ArrowType.BinaryView || type instanceof ArrowType.FixedSizeBinary) {
            return "VARBINARY";
        } else if (type instanceof ArrowType.Bool) {
            return "BOOLEAN";
        } else if (type instanceof ArrowType.Date) {
            return "DATE";
        } else if (type instanceof ArrowType.Time) {
            return "TIME";
        } else if (type instanceof ArrowType.Timestamp t) {
            return t.getTimezone() == null ? "TIMESTAMP" : "TIMESTAMP WITH TIME ZONE";
        } else if (type instanceof ArrowType.Interval || type instanceof ArrowType.Duration) {
            return "INTERVAL";
        } else if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList
                || type instanceof ArrowType.FixedSizeList) {
            return "ARRAY";
        } else if (type instanceof ArrowType.Map) {
            return "MAP";
        } else if (type instanceof ArrowType.Struct) {
            return "STRUCT";
        } else if (type instanceof ArrowType.Null) {
            return "NULL";
        }
        return type.getTypeID().name();
    }
}
