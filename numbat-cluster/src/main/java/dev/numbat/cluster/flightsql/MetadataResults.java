package dev.numbat.cluster.flightsql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of Flight SQL's metadata commands (catalogs, schemas, tables, table types) for one catalog holding
 * one schema, in the column layouts {@link Schemas} fixes. Filters follow JDBC: a catalog is matched exactly
 * (an empty string means "no catalog", which matches nothing here), schema and table names by SQL LIKE
 * patterns ({@code %}, {@code _}, escaped with {@code \}).
 */
final class MetadataResults {
    /** The table types the endpoint reports, in the order JDBC lists them. */
    static final List<String> TABLE_TYPES = List.of(TableInfo.TABLE, TableInfo.VIEW);

    private final String catalog;
    private final String schema;

    MetadataResults(String catalog, String schema) {
        this.catalog = catalog;
        this.schema = schema;
    }

    VectorSchemaRoot catalogs(BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator);
        set(root, 0, 0, catalog);
        root.setRowCount(1);
        return root;
    }

    VectorSchemaRoot schemas(BufferAllocator allocator, CommandGetDbSchemas command) {
        VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SCHEMAS_SCHEMA, allocator);
        boolean match = (!command.hasCatalog() || command.getCatalog().equals(catalog))
                && (!command.hasDbSchemaFilterPattern() || like(command.getDbSchemaFilterPattern(), schema));
        if (match) {
            set(root, 0, 0, catalog);
            set(root, 1, 0, schema);
        }
        root.setRowCount(match ? 1 : 0);
        return root;
    }

    VectorSchemaRoot tables(BufferAllocator allocator, CommandGetTables command, List<TableInfo> tables) {
        VectorSchemaRoot root = VectorSchemaRoot.create(
                command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA,
                allocator);
        try {
            List<TableInfo> selected = new ArrayList<>();
            boolean inSchema = (!command.hasCatalog() || command.getCatalog().equals(catalog))
                    && (!command.hasDbSchemaFilterPattern() || like(command.getDbSchemaFilterPattern(), schema));
            if (inSchema) {
                Pattern name = command.hasTableNameFilterPattern() ? likePattern(command.getTableNameFilterPattern())
                        : null;
                List<String> types = command.getTableTypesList();
                for (TableInfo t : tables) {
                    if ((name == null || name.matcher(t.name()).matches())
                            && (types.isEmpty() || types.contains(t.type()))) {
                        selected.add(t);
                    }
                }
            }
            // JDBC orders getTables by type, catalog, schema, name.
            selected.sort((a, b) -> a.type().equals(b.type()) ? a.name().compareTo(b.name())
                    : Integer.compare(TABLE_TYPES.indexOf(a.type()), TABLE_TYPES.indexOf(b.type())));
            for (int i = 0; i < selected.size(); i++) {
                TableInfo t = selected.get(i);
                set(root, 0, i, catalog);
                set(root, 1, i, schema);
                set(root, 2, i, t.name());
                set(root, 3, i, t.type());
                if (command.getIncludeSchema()) {
                    Schema columns = ColumnMetadata.decorate(t.schema(), catalog, schema, t.name());
                    ((VarBinaryVector) root.getVector(4)).setSafe(i, columns.serializeAsMessage());
                }
            }
            root.setRowCount(selected.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    VectorSchemaRoot tableTypes(BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TABLE_TYPES_SCHEMA, allocator);
        for (int i = 0; i < TABLE_TYPES.size(); i++) {
            set(root, 0, i, TABLE_TYPES.get(i));
        }
        root.setRowCount(TABLE_TYPES.size());
        return root;
    }

    private static void set(VectorSchemaRoot root, int column, int row, String value) {
        ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }

    static boolean like(String pattern, String value) {
        return likePattern(pattern).matcher(value).matches();
    }

    /** A SQL LIKE pattern as a regular expression: {@code %} any run, {@code _} one character, {@code \} escapes. */
    static Pattern likePattern(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
