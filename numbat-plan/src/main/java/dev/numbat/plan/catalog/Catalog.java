package dev.numbat.plan.catalog;

import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;

/**
 * Named tables over {@link Source}s, as a Calcite root schema. Names are case-sensitive and kept as given
 * (TPC-H's are lower case); the planner's parser configuration leaves unquoted identifiers as written, so
 * {@code lineitem} finds {@code lineitem}. Registering a name again replaces the table. Thread-safe for
 * registration from one thread and planning from others only in the sense Calcite's schemas are: register
 * tables before planning queries over them.
 */
public final class Catalog {
    private final SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    private final Map<String, SourceTable> tables = new LinkedHashMap<>();
    private final Map<String, Table> views = new LinkedHashMap<>();

    /** Registers {@code source} as table {@code name}; its row count comes from the source (see {@link SourceTable}). */
    public SourceTable register(String name, Source source) {
        return add(name, new SourceTable(name, source, null, null));
    }

    /** Registers {@code source} as table {@code name} with a known row count for the optimiser. */
    public SourceTable register(String name, Source source, double rowCount) {
        if (!(rowCount >= 0)) {
            throw NumbatException.userError("row count of table %s must be >= 0, got %s", name, rowCount);
        }
        return add(name, new SourceTable(name, source, rowCount, null));
    }

    /** Registers {@code source} as table {@code name}, read by up to {@code channels} channels. */
    public SourceTable registerWithChannels(String name, Source source, int channels) {
        if (channels < 1) {
            throw NumbatException.userError("channels must be at least 1, got %d", channels);
        }
        return add(name, new SourceTable(name, source, null, channels));
    }

    private synchronized SourceTable add(String name, SourceTable table) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw NumbatException.userError("a table name must not be empty");
        }
        root.add(name, table);
        views.remove(name);
        tables.put(name, table);
        return table;
    }

    /**
     * Registers a view (for example a Calcite {@code ViewTable}, which SQL expands where it is used) as
     * {@code name}, replacing a table or view of that name.
     */
    public synchronized void registerView(String name, Table view) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(view, "view");
        if (name.isEmpty()) {
            throw NumbatException.userError("a view name must not be empty");
        }
        root.add(name, view);
        tables.remove(name);
        views.put(name, view);
    }

    /** True when {@code name} is a view (see {@link #registerView}). */
    public synchronized boolean isView(String name) {
        return views.containsKey(name);
    }

    /** The view called {@code name}, or null. */
    public synchronized Table view(String name) {
        return views.get(name);
    }

    /** The registered view names. */
    public synchronized Set<String> viewNames() {
        return Set.copyOf(views.keySet());
    }

    /** Forgets table or view {@code name}; false when there is none. */
    public synchronized boolean drop(String name) {
        boolean known = tables.remove(name) != null | views.remove(name) != null;
        if (known) {
            root.removeTable(name);
        }
        return known;
    }

    /** The table called {@code name}; a USER_ERROR listing the known tables when there is none. */
    public synchronized SourceTable table(String name) {
        SourceTable t = tables.get(name);
        if (t != null) {
            return t;
        }
        throw NumbatException.userError("no table %s; known tables: %s", name, tableNames());
    }

    public synchronized boolean contains(String name) {
        return tables.containsKey(name);
    }

    /** The registered table names, in registration order. */
    public synchronized Set<String> tableNames() {
        return Set.copyOf(tables.keySet());
    }

    /** The Calcite schema holding the tables (the default schema of {@link dev.numbat.plan.PlannerContext}). */
    public SchemaPlus schema() {
        return root;
    }
}
