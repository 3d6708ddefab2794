package dev.numbat.client.sql;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.WriteResult;
import dev.numbat.client.sql.SqlLexer.Kind;
import dev.numbat.client.sql.SqlLexer.Token;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.io.arrow.ArrowIpcSource;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.Optimizer;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.plan.types.NumbatTypeSystem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rel.type.RelDataTypeImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.ViewTable;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.RelConversionException;
import org.apache.calcite.tools.ValidationException;

/**
 * Runs SQL statements against a context's catalog.
 *
 * <p>Queries go through Calcite: parsed with the planner's parser configuration, validated against the
 * catalog, converted to a logical plan with sub-queries left as {@code RexSubQuery} (the optimiser
 * decorrelates them) and returned as a lazy {@link DataStream}. SQL lists tables in FROM in any order, so the
 * plan's joins are ordered by estimated sizes here (see {@link dev.numbat.plan.metadata.NumbatRelMdRowCount});
 * the DataFrame API keeps the order joins were written in.
 *
 * <p>Numbat's own commands are recognised by a small tokenizer before Calcite sees the text (as DataFusion
 * does): {@code CREATE EXTERNAL TABLE}, {@code CREATE [OR REPLACE] VIEW}, {@code CREATE TABLE ... AS},
 * {@code DROP TABLE|VIEW}, {@code SHOW TABLES}, {@code DESCRIBE} and {@code EXPLAIN [ANALYZE]}. They run at
 * once and return their result rows.
 *
 * <p>Errors are {@link NumbatException}s with code USER_ERROR naming the line and column.
 */
public final class SqlSession {
    /** Reserved in Calcite's parser but common as column aliases in analytic SQL (TPC-H Q11's {@code value}). */
    private static final Set<String> RESERVED_ALIASES = Set.of("value");
    private static final org.apache.calcite.sql.parser.SqlAbstractParserImpl.Metadata RESERVED =
            org.apache.calcite.sql.parser.SqlParser.create("").getMetadata();

    private final NumbatContext context;

    public SqlSession(NumbatContext context) {
        this.context = context;
    }

    public NumbatContext context() {
        return context;
    }

    /** True if {@code statement} changes the catalog (CREATE, DROP) rather than returning rows of data. */
    public static boolean isDdl(String statement) {
        List<Token> tokens = SqlLexer.tokenize(statement);
        return !tokens.isEmpty() && (tokens.get(0).is("CREATE") || tokens.get(0).is("DROP"));
    }

    /** One statement: a query returns its rows; DDL runs now and returns its result rows (one status row). */
    public DataStream execute(String statement) {
        List<Token> tokens = SqlLexer.tokenize(statement);
        if (tokens.isEmpty()) {
            throw NumbatException.userError("empty SQL statement");
        }
        Cursor c = new Cursor(statement, tokens);
        Token first = tokens.get(0);
        if (first.is("CREATE")) {
            return create(c);
        } else if (first.is("DROP")) {
            return drop(c);
        } else if (first.is("SHOW")) {
            c.next();
            c.expect("TABLES");
            c.end();
            return showTables();
        } else if (first.is("DESCRIBE") || first.is("DESC")) {
            c.next();
            String name = c.name("a table or view name");
            c.end();
            return describe(name);
        } else if (first.is("EXPLAIN")) {
            return explain(c);
        }
        return query(statement);
    }

    /** Statements separated by ';' (outside quotes and comments), run in order; the results of each. */
    public List<DataStream> executeScript(String script) {
        List<DataStream> results = new ArrayList<>();
        for (String statement : SqlLexer.splitStatements(script)) {
            results.add(execute(statement));
        }
        return results;
    }

    // ---- queries -----------------------------------------------------------------------------------------

    /** The query {@code sql} (SELECT, WITH, VALUES, set operations) as a stream. */
    public DataStream query(String sql) {
        return DataStream.of(context, prepare(toRel(sql))).describedAs(sql.strip());
    }

    /** Orders the joins of a freshly converted plan by estimated sizes (see the class comment). */
    private RelNode prepare(RelNode rel) {
        PlannerContext planner = context.planner();
        RelNode optimized = Optimizer.optimize(rel, planner.relBuilderConfig(), true);
        List<String> names = rel.getRowType().getFieldNames();
        if (optimized.getRowType().getFieldNames().equals(names)) {
            return optimized;
        }
        // The optimiser drops projections that only rename; the query's column names are part of its answer.
        return planner.relBuilder().push(optimized).rename(names).build();
    }

    private RelNode toRel(String sql) {
        String text = quoteReservedAliases(duckDbSyntax(sql));
        Planner planner = Frameworks.getPlanner(context.planner().config());
        try {
            SqlNode parsed = planner.parse(text);
            if (!parsed.getKind().belongsTo(SqlKind.QUERY)) {
                throw NumbatException.userError("SQL error at line %d, column %d: %s statements are not supported; "
                        + "Numbat runs queries and CREATE/DROP/SHOW/DESCRIBE/EXPLAIN",
                        parsed.getParserPosition().getLineNum(), parsed.getParserPosition().getColumnNum(),
                        parsed.getKind());
            }
            SqlNode validated = planner.validate(parsed);
            RelRoot root = planner.rel(validated);
            return root.project();
        } catch (SqlParseException e) {
            throw SqlErrors.parse(e);
        } catch (ValidationException | RelConversionException | CalciteContextException e) {
            throw translate(e, sql);
        } catch (RuntimeException e) {
            if (e instanceof NumbatException) {
                throw e;
            }
            CalciteContextException cce = SqlErrors.findContext(e);
            if (cce != null) {
                throw translate(cce, sql);
            }
            throw e;
        } finally {
            planner.close();
        }
    }

    private NumbatException translate(Exception e, String sql) {
        CalciteContextException cce = SqlErrors.findContext(e);
        if (cce == null) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new NumbatException(ErrorCode.USER_ERROR, "SQL error: " + cause.getMessage(), e);
        }
        Catalog catalog = context.catalog();
        List<String> tables = new ArrayList<>(userTables());
        Set<String> columns = new TreeSet<>();
        Set<String> mentioned = new TreeSet<>();
        for (Token t : SqlLexer.tokenize(sql)) {
            if (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENTIFIER) {
                mentioned.add(t.text());
            }
        }
        RelDataTypeFactory tf = typeFactory();
        for (String table : tables) {
            if (mentioned.contains(table)) {
                columns.addAll(rowType(catalog, table, tf).getFieldNames());
            }
        }
        return SqlErrors.validation(cce, tables, new ArrayList<>(columns));
    }

    /**
     * DuckDB spellings Calcite's parser reads otherwise, rewritten with positions kept: trailing {@code ;} is
     * dropped, and {@code a // b} (DuckDB's integer division, a comment to Calcite) becomes {@code a / b}, which
     * divides integers the same way; {@code day(d)} (DAY is a keyword to Calcite) becomes {@code dayofmonth(d)}.
     */
    static String duckDbSyntax(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        StringBuilder out = new StringBuilder(sql);
        for (int i = tokens.size() - 1; i >= 0 && tokens.get(i).isSymbol(";"); i--) {
            out.setCharAt(tokens.get(i).start(), ' ');
        }
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            Token u = tokens.get(i + 1);
            if (t.isSymbol("/") && u.isSymbol("/") && u.start() == t.end()) {
                out.setCharAt(u.start(), ' ');
                i++;
            }
        }
        for (int i = tokens.size() - 2; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.WORD && t.text().equalsIgnoreCase("day") && tokens.get(i + 1).isSymbol("(")
                    && (i == 0 || !tokens.get(i - 1).isSymbol("."))) {
                out.replace(t.start(), t.end(), "dayofmonth");
            }
        }
        return castOperators(out.toString());
    }

    /**
     * DuckDB's and Postgres's {@code expr::type} written as {@code CAST(expr AS type)}, which Calcite parses:
     * the operand is a name (possibly qualified), a literal, or a parenthesised group or function call.
     */
    static String castOperators(String sql) {
        for (int guard = 0; guard < 100; guard++) {
            List<Token> tokens = SqlLexer.tokenize(sql);
            int at = -1;
            for (int i = 0; i + 2 < tokens.size(); i++) {
                if (tokens.get(i).isSymbol(":") && tokens.get(i + 1).isSymbol(":")
                        && tokens.get(i + 1).start() == tokens.get(i).end() && tokens.get(i + 2).kind() == Kind.WORD) {
                    at = i;
                    break;
                }
            }
            if (at <= 0) {
                return sql;
            }
            int start = operandStart(tokens, at - 1);
            if (start < 0) {
                return sql;
            }
            int typeEnd = at + 2;
            if (typeEnd + 1 < tokens.size() && tokens.get(typeEnd + 1).isSymbol("(")) {
                int close = matching(tokens, typeEnd + 1, 1);
                if (close < 0) {
                    return sql;
                }
                typeEnd = close;
            }
            int from = tokens.get(start).start();
            String operand = sql.substring(from, tokens.get(at).start());
            String type = sql.substring(tokens.get(at + 2).start(), tokens.get(typeEnd).end());
            sql = sql.substring(0, from) + "CAST(" + operand + " AS " + type + ")" + sql.substring(tokens.get(typeEnd).end());
        }
        return sql;
    }

    /** Index of the first token of the operand that ends at token {@code end}, or -1. */
    private static int operandStart(List<Token> tokens, int end) {
        Token last = tokens.get(end);
        if (last.isSymbol(")")) {
            int open = matching(tokens, end, -1);
            if (open < 0) {
                return -1;
            }
            return open > 0 && tokens.get(open - 1).kind() == Kind.WORD
                    && !List.of("AND", "OR", "NOT", "IN", "SELECT", "WHERE", "ON", "WHEN", "THEN", "ELSE", "BY")
                            .contains(tokens.get(open - 1).text().toUpperCase(Locale.ROOT)) ? open - 1 : open;
        }
        if (last.kind() == Kind.SYMBOL) {
            return -1;
        }
        int start = end;
        while (start >= 2 && tokens.get(start - 1).isSymbol(".")
                && (tokens.get(start - 2).kind() == Kind.WORD || tokens.get(start - 2).kind() == Kind.QUOTED_IDENTIFIER)) {
            start -= 2;
        }
        return start;
    }

    /** The index of the parenthesis matching the one at {@code from}, scanning in {@code step} direction. */
    private static int matching(List<Token> tokens, int from, int step) {
        int depth = 0;
        for (int i = from; i >= 0 && i < tokens.size(); i += step) {
            if (tokens.get(i).isSymbol("(")) {
                depth += step;
            } else if (tokens.get(i).isSymbol(")")) {
                depth -= step;
            }
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@code value} and the like written as identifiers, quoted so that Calcite's parser accepts them. */
    static String quoteReservedAliases(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        // Words Calcite reserves but users write as aliases (DuckDB and Postgres accept "AS year", "AS value").
        Set<String> aliases = new java.util.HashSet<>();
        List<Boolean> castParens = new ArrayList<>();
        boolean[] quote = new boolean[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isSymbol("(")) {
                castParens.add(i > 0 && tokens.get(i - 1).is("CAST"));
            } else if (t.isSymbol(")") && !castParens.isEmpty()) {
                castParens.remove(castParens.size() - 1);
            }
            if (t.kind() != Kind.WORD) {
                continue;
            }
            String word = t.text().toLowerCase(Locale.ROOT);
            boolean inCast = !castParens.isEmpty() && castParens.get(castParens.size() - 1);
            if (RESERVED_ALIASES.contains(word) && !(i > 0 && tokens.get(i - 1).is("NEXT"))) {
                quote[i] = true;
            } else if (i > 0 && tokens.get(i - 1).is("AS") && !inCast && RESERVED.isReservedWord(word.toUpperCase(Locale.ROOT))
                    && !(i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("("))) {
                quote[i] = true;
                aliases.add(word);
            }
        }
        // Later references to such an alias in GROUP BY / ORDER BY lists.
        for (int i = 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (!quote[i] && t.kind() == Kind.WORD && aliases.contains(t.text().toLowerCase(Locale.ROOT))) {
                Token prev = tokens.get(i - 1);
                Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                boolean listPosition = prev.is("BY") || prev.isSymbol(",");
                boolean listEnd = next == null || next.isSymbol(",") || next.isSymbol(")") || next.isSymbol(";")
                        || next.is("ASC") || next.is("DESC") || next.is("NULLS") || next.is("LIMIT")
                        || next.is("HAVING") || next.is("ORDER") || next.is("OFFSET");
                quote[i] = listPosition && listEnd;
            }
        }
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (quote[i]) {
                Token t = tokens.get(i);
                if (out == null) {
                    out = new StringBuilder(sql.length() + 8);
                }
                out.append(sql, copied, t.start()).append('"').append(t.text()).append('"');
                copied = t.end();
            }
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    // ---- EXPLAIN -----------------------------------------------------------------------------------------

    private DataStream explain(Cursor c) {
        c.next();
        boolean analyze = c.accept("ANALYZE");
        if (c.accept("PLAN")) {
            c.expect("FOR");
        }
        DataStream stream = query(c.rest());
        String text = analyze ? stream.explainAnalyze() : stream.explain();
        return rows(List.of("plan"), List.of(SqlTypeName.VARCHAR), List.of(List.of(text)));
    }

    // ---- CREATE ------------------------------------------------------------------------------------------

    private DataStream create(Cursor c) {
        c.next();
        boolean replace = false;
        if (c.accept("OR")) {
            c.expect("REPLACE");
            replace = true;
        }
        if (c.accept("EXTERNAL")) {
            c.expect("TABLE");
            return createExternalTable(c, replace);
        }
        if (c.accept("VIEW")) {
            return createView(c, replace);
        }
        if (c.accept("TABLE")) {
            return createTableAs(c, replace);
        }
        throw c.error("EXTERNAL TABLE, TABLE or VIEW after CREATE");
    }

    private boolean ifNotExists(Cursor c) {
        if (c.accept("IF")) {
            c.expect("NOT");
            c.expect("EXISTS");
            return true;
        }
        return false;
    }

    /** True when the statement should go on; errors when the name is taken and neither clause allows it. */
    private boolean checkNew(String name, boolean replace, boolean ifNotExists, Token at, Cursor c) {
        Catalog catalog = context.catalog();
        boolean exists = catalog.contains(name) || catalog.isView(name);
        if (!exists || replace) {
            return true;
        }
        if (ifNotExists) {
            return false;
        }
        throw c.errorAt(at, "%s '%s' already exists (use CREATE OR REPLACE, or DROP it first)",
                catalog.isView(name) ? "view" : "table", name);
    }

    private DataStream createExternalTable(Cursor c, boolean replace) {
        boolean ifNotExists = ifNotExists(c);
        Token nameToken = c.peek();
        String name = c.name("a table name");
        List<Field> columns = new ArrayList<>();
        if (c.acceptSymbol("(")) {
            do {
                String column = c.name("a column name");
                String type = c.name("a column type").toUpperCase(Locale.ROOT);
                if (type.equals("DOUBLE")) {
                    c.accept("PRECISION");
                } else if (type.equals("CHARACTER") && c.accept("VARYING")) {
                    type = "VARCHAR";
                }
                int precision = -1;
                int scale = -1;
                if (c.acceptSymbol("(")) {
                    precision = c.integer("a precision or length");
                    if (c.acceptSymbol(",")) {
                        scale = c.integer("a scale");
                    }
                    c.expectSymbol(")");
                }
                boolean nullable = true;
                if (c.accept("NOT")) {
                    c.expect("NULL");
                    nullable = false;
                } else {
                    c.accept("NULL");
                }
                ArrowType arrow = SqlTypes.toArrow(type, precision, scale);
                columns.add(new Field(column, new FieldType(nullable, arrow, null), null));
            } while (c.acceptSymbol(","));
            c.expectSymbol(")");
        }
        c.expect("STORED");
        c.expect("AS");
        String format = c.name("PARQUET, CSV or ARROW").toUpperCase(Locale.ROOT);
        c.expect("LOCATION");
        String location = c.string("the location as a string literal");
        Map<String, String> options = new LinkedHashMap<>();
        if (c.accept("OPTIONS")) {
            c.expectSymbol("(");
            do {
                String key = c.string("an option name as a string literal").toLowerCase(Locale.ROOT);
                c.acceptSymbol("=");
                String value = c.string("an option value as a string literal");
                options.put(key.startsWith("format.") ? key.substring("format.".length()) : key, value);
            } while (c.acceptSymbol(","));
            c.expectSymbol(")");
        }
        c.end();
        if (!checkNew(name, replace, ifNotExists, nameToken, c)) {
            return status("table " + name + " exists");
        }
        Source source = switch (format) {
            case "PARQUET" -> {
                noOptions(format, options);
                yield new ParquetSource(location);
            }
            case "ARROW", "IPC" -> {
                noOptions(format, options);
                yield new ArrowIpcSource(location);
            }
            case "CSV" -> new CsvSource(location, csvOptions(options, columns));
            default -> throw c.errorAt(nameToken, "unknown format %s; use PARQUET, CSV or ARROW", format);
        };
        Schema schema = source.schema();
        if (!format.equals("CSV")) {
            List<String> known = schema.getFields().stream().map(Field::getName).toList();
            for (Field f : columns) {
                if (!known.contains(f.getName())) {
                    throw NumbatException.userError("column '%s' is not in the %s files at %s%s; they have %s",
                            f.getName(), format, location, dev.numbat.client.Scope.suggestion(f.getName(), known),
                            known);
                }
            }
        }
        context.catalog().drop(name);
        context.register(name, source);
        return status("created table " + name);
    }

    private static void noOptions(String format, Map<String, String> options) {
        if (!options.isEmpty()) {
            throw NumbatException.userError("%s tables take no OPTIONS, got %s", format, options.keySet());
        }
    }

    private static CsvOptions csvOptions(Map<String, String> options, List<Field> columns) {
        CsvOptions csv = CsvOptions.defaults();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue();
            csv = switch (e.getKey()) {
                case "header", "has_header" -> csv.withHeader(bool(e.getKey(), v));
                case "delimiter" -> csv.withDelimiter(oneChar(e.getKey(), v));
                case "quote" -> csv.withQuote(oneChar(e.getKey(), v));
                case "escape" -> csv.withEscape(oneChar(e.getKey(), v));
                case "null", "null_value", "null_string" -> csv.withNullString(v);
                case "trailing_delimiter" -> csv.withTrailingDelimiter(bool(e.getKey(), v));
                case "skip_malformed_rows" -> csv.withSkipMalformedRows(bool(e.getKey(), v));
                default -> throw NumbatException.userError("unknown CSV option '%s'; known: header, delimiter, quote, "
                        + "escape, null, trailing_delimiter, skip_malformed_rows", e.getKey());
            };
        }
        if (!columns.isEmpty()) {
            csv = csv.withSchema(new Schema(columns));
        }
        return csv;
    }

    private static boolean bool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw NumbatException.userError("option '%s' must be true or false, got '%s'", key, v);
        };
    }

    private static char oneChar(String key, String v) {
        String s = v.equals("\\t") ? "\t" : v;
        if (s.length() != 1) {
            throw NumbatException.userError("option '%s' must be one character, got '%s'", key, v);
        }
        return s.charAt(0);
    }

    private DataStream createView(Cursor c, boolean replace) {
        boolean ifNotExists = ifNotExists(c);
        Token nameToken = c.peek();
        String name = c.name("a view name");
        c.expect("AS");
        String sql = c.rest();
        if (!checkNew(name, replace, ifNotExists, nameToken, c)) {
            return status("view " + name + " exists");
        }
        RelNode rel = toRel(sql);
        RelDataType rowType = rel.getRowType();
        // Calcite expands the view's text where it is used (PlannerImpl is the view expander).
        Table view = new ViewTable(Object.class, RelDataTypeImpl.proto(rowType), quoteReservedAliases(duckDbSyntax(sql).strip()),
                List.of(), List.of(name));
        context.catalog().registerView(name, view);
        return status("created view " + name);
    }

    private DataStream createTableAs(Cursor c, boolean replace) {
        boolean ifNotExists = ifNotExists(c);
        Token nameToken = c.peek();
        String name = c.name("a table name");
        String format = "PARQUET";
        if (c.accept("STORED")) {
            c.expect("AS");
            format = c.name("PARQUET, CSV or ARROW").toUpperCase(Locale.ROOT);
        }
        if (!c.accept("LOCATION")) {
            throw c.error("LOCATION 'directory' (CREATE TABLE AS writes files there)");
        }
        String location = c.string("the location as a string literal");
        c.expect("AS");
        String sql = c.rest();
        if (!checkNew(name, replace, ifNotExists, nameToken, c)) {
            return status("table " + name + " exists");
        }
        DataStream data = query(sql);
        WriteResult written;
        Source source;
        switch (format) {
            case "PARQUET" -> {
                written = data.writeParquet(location);
                source = new ParquetSource(location);
            }
            case "CSV" -> {
                written = data.writeCsv(location);
                source = new CsvSource(location, CsvOptions.defaults().withSchema(data.schema()));
            }
            case "ARROW", "IPC" -> {
                written = data.writeArrow(location);
                source = new ArrowIpcSource(location);
            }
            default -> throw c.errorAt(nameToken, "unknown format %s; use PARQUET, CSV or ARROW", format);
        }
        context.catalog().drop(name);
        context.register(name, source);
        return status("created table " + name + " (" + written.rows() + " rows)");
    }

    // ---- DROP, SHOW, DESCRIBE ----------------------------------------------------------------------------

    private DataStream drop(Cursor c) {
        c.next();
        boolean view;
        if (c.accept("VIEW")) {
            view = true;
        } else if (c.accept("TABLE")) {
            view = false;
        } else {
            throw c.error("TABLE or VIEW after DROP");
        }
        boolean ifExists = false;
        if (c.accept("IF")) {
            c.expect("EXISTS");
            ifExists = true;
        }
        Token nameToken = c.peek();
        String name = c.name(view ? "a view name" : "a table name");
        c.end();
        Catalog catalog = context.catalog();
        boolean isView = catalog.isView(name);
        boolean isTable = catalog.contains(name);
        if (!isView && !isTable) {
            if (ifExists) {
                return status("no " + (view ? "view " : "table ") + name);
            }
            throw c.errorAt(nameToken, "no %s '%s'%s", view ? "view" : "table", name,
                    dev.numbat.client.Scope.suggestion(name, userTables()));
        }
        if (view != isView) {
            throw c.errorAt(nameToken, "'%s' is a %s; use DROP %s", name, isView ? "view" : "table",
                    isView ? "VIEW" : "TABLE");
        }
        catalog.drop(name);
        return status("dropped " + (view ? "view " : "table ") + name);
    }

    private DataStream showTables() {
        Catalog catalog = context.catalog();
        List<List<Object>> rows = new ArrayList<>();
        for (String name : new TreeSet<>(userTables())) {
            rows.add(List.of(name, catalog.isView(name) ? "VIEW" : "TABLE"));
        }
        return rows(List.of("table_name", "table_type"), List.of(SqlTypeName.VARCHAR, SqlTypeName.VARCHAR), rows);
    }

    private DataStream describe(String name) {
        Catalog catalog = context.catalog();
        if (!catalog.contains(name) && !catalog.isView(name)) {
            throw NumbatException.userError("no table or view '%s'%s", name,
                    dev.numbat.client.Scope.suggestion(name, userTables()));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (RelDataTypeField f : rowType(catalog, name, typeFactory()).getFieldList()) {
            rows.add(List.of(f.getName(), f.getType().getFullTypeString().replace(" NOT NULL", ""),
                    f.getType().isNullable() ? "YES" : "NO"));
        }
        return rows(List.of("column_name", "data_type", "is_nullable"),
                List.of(SqlTypeName.VARCHAR, SqlTypeName.VARCHAR, SqlTypeName.VARCHAR), rows);
    }

    /** Tables and views the user named (not the anonymous ones {@code ctx.read*} registers). */
    private List<String> userTables() {
        Catalog catalog = context.catalog();
        List<String> names = new ArrayList<>();
        for (String n : catalog.tableNames()) {
            if (!n.matches("scan_\\d+")) {
                names.add(n);
            }
        }
        names.addAll(catalog.viewNames());
        return names;
    }

    private static RelDataType rowType(Catalog catalog, String name, RelDataTypeFactory tf) {
        Table view = catalog.view(name);
        return view != null ? view.getRowType(tf) : catalog.table(name).getRowType(tf);
    }

    private static RelDataTypeFactory typeFactory() {
        return new JavaTypeFactoryImpl(NumbatTypeSystem.INSTANCE);
    }

    // ---- result rows -------------------------------------------------------------------------------------

    private DataStream status(String message) {
        return rows(List.of("status"), List.of(SqlTypeName.VARCHAR), List.of(List.of(message)));
    }

    /** A stream of literal rows (strings and longs). */
    private DataStream rows(List<String> names, List<SqlTypeName> types, List<List<Object>> values) {
        RelBuilder b = context.planner().relBuilder();
        RexBuilder rex = b.getRexBuilder();
        RelDataTypeFactory tf = b.getTypeFactory();
        RelDataTypeFactory.Builder row = tf.builder();
        List<RelDataType> columnTypes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            RelDataType t = tf.createTypeWithNullability(tf.createSqlType(types.get(i)), true);
            columnTypes.add(t);
            row.add(names.get(i), t);
        }
        List<List<RexLiteral>> literals = new ArrayList<>();
        for (List<Object> r : values) {
            List<RexLiteral> lr = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                if (v == null) {
                    lr.add(rex.makeNullLiteral(columnTypes.get(i)));
                } else if (v instanceof Number n) {
                    lr.add(rex.makeExactLiteral(BigDecimal.valueOf(n.longValue()), columnTypes.get(i)));
                } else {
                    lr.add(rex.makeLiteral(v.toString()));
                }
            }
            literals.add(lr);
        }
        return DataStream.of(context, b.values(literals, row.build()).build());
    }

    // ---- the command tokenizer's cursor ------------------------------------------------------------------

    /** Walks the tokens of one statement; errors name the line and column of the token at fault. */
    private static final class Cursor {
        private final String sql;
        private final List<Token> tokens;
        private int i;

        Cursor(String sql, List<Token> tokens) {
            this.sql = sql;
            this.tokens = tokens;
        }

        Token peek() {
            return i < tokens.size() ? tokens.get(i) : null;
        }

        Token next() {
            Token t = peek();
            i++;
            return t;
        }

        boolean accept(String keyword) {
            Token t = peek();
            if (t != null && t.is(keyword)) {
                i++;
                return true;
            }
            return false;
        }

        boolean acceptSymbol(String symbol) {
            Token t = peek();
            if (t != null && t.isSymbol(symbol)) {
                i++;
                return true;
            }
            return false;
        }

        void expect(String keyword) {
            if (!accept(keyword)) {
                throw error(keyword);
            }
        }

        void expectSymbol(String symbol) {
            if (!acceptSymbol(symbol)) {
                throw error("'" + symbol + "'");
            }
        }

        String name(String what) {
            Token t = peek();
            if (t == null || (t.kind() != Kind.WORD && t.kind() != Kind.QUOTED_IDENTIFIER)) {
                throw error(what);
            }
            i++;
            return t.text();
        }

        String string(String what) {
            Token t = peek();
            if (t == null || t.kind() != Kind.STRING) {
                throw error(what);
            }
            i++;
            return t.text();
        }

        int integer(String what) {
            Token t = peek();
            if (t == null || t.kind() != Kind.NUMBER) {
                throw error(what);
            }
            i++;
            try {
                return Integer.parseInt(t.text());
            } catch (NumberFormatException e) {
                throw errorAt(t, "expected %s, found '%s'", what, t.text());
            }
        }

        /** The text from the current token on, with what came before blanked (so positions stay the same). */
        String rest() {
            Token t = peek();
            if (t == null) {
                throw error("a query");
            }
            return SqlLexer.blank(sql.substring(0, t.start())) + sql.substring(t.start());
        }

        void end() {
            if (peek() != null) {
                throw error("the end of the statement");
            }
        }

        NumbatException error(String expected) {
            Token t = peek();
            if (t == null) {
                int[] lc = SqlLexer.lineColumn(sql, sql.stripTrailing().length());
                return NumbatException.userError("SQL syntax error at line %d, column %d: expected %s at the end "
                        + "of the statement", lc[0], lc[1], expected);
            }
            return errorAt(t, "expected %s, found '%s'", expected, t.text());
        }

        NumbatException errorAt(Token t, String format, Object... args) {
            int[] lc = SqlLexer.lineColumn(sql, t.start());
            return NumbatException.userError("SQL error at line %d, column %d: %s", lc[0], lc[1],
                    String.format(format, args));
        }
    }
}
