package dev.numbat.cluster.flightsql;

import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table or view as Flight SQL clients list it.
 *
 * @param name   the name queries use
 * @param schema its columns
 * @param type   {@link #TABLE} or {@link #VIEW} (the table types the endpoint reports)
 */
public record TableInfo(String name, Schema schema, String type) {
    public static final String TABLE = "TABLE";
    public static final String VIEW = "VIEW";

    public TableInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(type, "type");
        if (!type.equals(TABLE) && !type.equals(VIEW)) {
            throw new IllegalArgumentException("type must be TABLE or VIEW, got " + type);
        }
    }

    /** A table (not a view). */
    public TableInfo(String name, Schema schema) {
        this(name, schema, TABLE);
    }
}
