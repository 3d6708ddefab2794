package dev.numbat.cli.shell;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Values;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs SQL statements on a context and writes their results in one {@link OutputFormat}: the engine of
 * {@code numbat sql} behind {@code -e}, {@code -f} and the interactive shell. A failing statement prints
 * {@code error [CODE]: message} on the error stream and reports false; the caller decides whether to go on.
 *
 * <p>Used from one thread; {@link #cancel} may be called from another (the shell's Ctrl-C handler).
 */
public final class SqlRunner {
    /** The width of tables when not on a terminal. */
    public static final int DEFAULT_WIDTH = 120;

    private final NumbatContext context;
    private final OutputFormat format;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean progress;
    private int width = DEFAULT_WIDTH;
    private boolean timing;
    private int maxRows = 1000;
    private volatile boolean cancelled;

    /**
     * @param progress whether long queries show a progress line on {@code err} (only when it is a terminal)
     */
    public SqlRunner(NumbatContext context, OutputFormat format, PrintStream out, PrintStream err, boolean progress) {
        this.context = Objects.requireNonNull(context, "context");
        this.format = Objects.requireNonNull(format, "format");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.progress = progress;
    }

    /** The width tables must fit in, in characters. */
    public void width(int width) {
        this.width = width > 20 ? width : DEFAULT_WIDTH;
    }

    /** Whether each statement reports its elapsed time (in the table footer, else on the error stream). */
    public void timing(boolean timing) {
        this.timing = timing;
    }

    public boolean timing() {
        return timing;
    }

    /** At most this many rows are printed in table format (the rest are counted). */
    public void maxRows(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("max rows must be positive: " + maxRows);
        }
        this.maxRows = maxRows;
    }

    /** Asks the running statement to stop at its next batch. */
    public void cancel() {
        cancelled = true;
    }

    /** Runs every statement of {@code script}, going on after failures; true if all succeeded. */
    public boolean runScript(String script) {
        boolean ok = true;
        for (String statement : StatementSplitter.statements(script)) {
            ok &= run(statement);
        }
        return ok;
    }

    /** Runs one statement and prints its result; on failure prints the error and returns false. */
    public boolean run(String statement) {
        cancelled = false;
        long start = System.nanoTime();
        try {
            DataStream result = context.sql(statement);
            switch (format) {
                case TABLE -> printTable(result, start, timing, isExplain(statement));
                case CSV -> printCsv(result);
                case JSON -> printJson(result);
                case ARROW -> {
                    if (!isDdl(statement)) {
                        printArrow(result);
                    } else {
                        result.forEachBatch(b -> { });
                    }
                }
            }
            if (timing && format != OutputFormat.TABLE) {
                err.printf(Locale.ROOT, "Time: %.3f s%n", seconds(start));
            }
            return true;
        } catch (RuntimeException e) {
            out.flush();
            err.println(errorLine(e));
            err.flush();
            return false;
        }
    }

    /** Runs a statement for its effect (init scripts), discarding its rows; errors propagate. */
    public void runQuietly(String statement) {
        context.sql(statement).forEachBatch(b -> { });
    }

    /** {@code error [CODE]: message}, the one shape every failure is reported in. */
    public static String errorLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NumbatException ne) {
                return "error [" + ne.code() + "]: " + ne.getMessage();
            }
        }
        return "error [" + ErrorCode.INTERNAL + "]: " + e;
    }

    // ---- \d

    /** Lists the tables and views ({@code SHOW TABLES}; the catalog's tables if SQL cannot say). */
    public void listTables() {
        try {
            printTable(context.sql("SHOW TABLES"), System.nanoTime(), false, false);
            return;
        } catch (RuntimeException e) {
            // Fall back to what the catalog holds.
        }
        List<String[]> cells = new ArrayList<>();
        for (String name : new TreeSet<>(context.catalog().tableNames())) {
            cells.add(new String[] {name});
        }
        write(TableRenderer.render(List.of("table_name"), List.of(TableRenderer.Layout.TEXT), cells, width).text()
                + rowCount(cells.size()) + "\n");
    }

    /**
     * Prints the columns of table or view {@code name}: a registered table's from its source's schema (the
     * file's own types), a view's through {@code DESCRIBE}.
     */
    public boolean describe(String name) {
        try {
            String resolved = resolve(name);
            if (resolved == null) {
                printTable(context.sql("DESCRIBE " + name), System.nanoTime(), false, false);
                return true;
            }
            Schema schema = context.table(resolved).schema();
            List<String[]> cells = new ArrayList<>();
            if (schema != null) {
                for (Field f : schema.getFields()) {
                    cells.add(new String[] {f.getName(), sqlType(f.getType()), f.isNullable() ? "YES" : "NO"});
                }
            }
            List<TableRenderer.Layout> layout = List.of(TableRenderer.Layout.TEXT, TableRenderer.Layout.TEXT,
                    TableRenderer.Layout.TEXT);
            write(TableRenderer.render(List.of("column_name", "data_type",
                    "is_nullable"), layout, cells, width).text());
            return true;
        } catch (RuntimeException e) {
            err.println(errorLine(e));
            return false;
        }
    }

    /** The registered table called {@code name} (ignoring case), or null. */
    private String resolve(String name) {
        String bare = name.trim();
        if (bare.length() > 1 && bare.startsWith("\"") && bare.endsWith("\"")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (context.catalog().contains(bare)) {
            return bare;
        }
        for (String t : context.catalog().tableNames()) {
            if (t.equalsIgnoreCase(bare)) {
                return t;
            }
        }
        return null;
    }

    /** The SQL name of an Arrow type, as users write it in DDL. */
    static String sqlType(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            String name = switch (i.getBitWidth()) {
                case 8 -> "TINYINT";
                case 16 -> "SMALLINT";
                case 32 -> "INTEGER";
                default -> "BIGINT";
            };
            return i.getIsSigned() ? name : name + " UNSIGNED";
        }
        if (type instanceof ArrowType.FloatingPoint fp) {
            return switch (fp.getPrecision()) {
                case HALF, SINGLE -> "REAL";
                case DOUBLE -> "DOUBLE";
            };
        }
        if (type instanceof ArrowType.Decimal d) {
            return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
        }
        if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8) {
            return "VARCHAR";
        }
        if (type instanceof ArrowType.Bool) {
            return "BOOLEAN";
        }
        if (type instanceof ArrowType.Date) {
            return "DATE";
        }
        if (type instanceof ArrowType.Timestamp ts) {
            return ts.getTimezone() == null ? "TIMESTAMP" : "TIMESTAMP WITH TIME ZONE";
        }
        if (type instanceof ArrowType.Time) {
            return "TIME";
        }
        if (type instanceof ArrowType.Binary || type instanceof ArrowType.LargeBinary
                || type instanceof ArrowType.FixedSizeBinary) {
            return "VARBINARY";
        }
        return type.toString();
    }

    // ---- result formats

    /**
     * @param showTime whether the footer tells the elapsed time
     * @param raw      whether to print the values as they are, one after another (EXPLAIN's plan text)
     */
    private void printTable(DataStream result, long start, boolean showTime, boolean raw) {
        AtomicLong rows = new AtomicLong();
        List<String[]> cells = new ArrayList<>();
        Schema[] schema = {null};
        try (AutoCloseable p = Progress.start(progress, err, rows)) {
            result.forEachBatch(b -> {
                checkCancelled();
                if (schema[0] == null) {
                    schema[0] = b.getSchema();
                }
                List<FieldVector> vectors = b.getFieldVectors();
                for (int r = 0; r < b.getRowCount() && cells.size() < maxRows; r++) {
                    String[] line = new String[vectors.size()];
                    for (int c = 0; c < line.length; c++) {
                        Object value = Values.get(vectors.get(c), r);
                        line[c] = raw ? Values.format(value) : ValueText.cell(value);
                    }
                    cells.add(line);
                }
                rows.addAndGet(b.getRowCount());
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Schema s = schema[0] != null ? schema[0] : result.schema();
        String time = showTime ? String.format(Locale.ROOT, " (%.3f s)", seconds(start)) : "";
        if (s == null || s.getFields().isEmpty()) {
            write("OK" + time + "\n");
            return;
        }
        if (raw || isStatus(s, rows.get())) {
            // DDL's one-line status and EXPLAIN's plan read better as text than boxed in a table.
            StringBuilder sb = new StringBuilder();
            for (String[] line : cells) {
                sb.append(String.join(" ", line)).append('\n');
            }
            write(sb + (time.isEmpty() ? "" : time.strip() + "\n"));
            return;
        }
        List<String> names = new ArrayList<>();
        List<TableRenderer.Layout> layout = new ArrayList<>();
        for (Field f : s.getFields()) {
            names.add(f.getName());
            layout.add(layout(f.getType()));
        }
        TableRenderer.Rendered table = TableRenderer.render(names, layout, cells, width);
        StringBuilder footer = new StringBuilder(rowCount(rows.get()));
        if (rows.get() > cells.size()) {
            footer.append(String.format(Locale.ROOT, ", first %,d shown", cells.size()));
        }
        if (table.hiddenColumns() > 0) {
            footer.append(String.format(Locale.ROOT, ", %d of %d columns not shown", table.hiddenColumns(),
                    names.size()));
        }
        write(table.text() + footer + time + "\n");
    }

    private void printCsv(DataStream result) {
        boolean[] header = {false};
        result.forEachBatch(b -> {
            checkCancelled();
            StringBuilder sb = new StringBuilder();
            if (!header[0]) {
                csvHeader(sb, b.getSchema());
                header[0] = true;
            }
            List<FieldVector> vectors = b.getFieldVectors();
            for (int r = 0; r < b.getRowCount(); r++) {
                for (int c = 0; c < vectors.size(); c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    ValueText.csv(sb, Values.get(vectors.get(c), r));
                }
                sb.append('\n');
            }
            write(sb.toString());
        });
        if (!header[0] && result.schema() != null) {
            StringBuilder sb = new StringBuilder();
            csvHeader(sb, result.schema());
            write(sb.toString());
        }
    }

    private static void csvHeader(StringBuilder sb, Schema schema) {
        List<Field> fields = schema.getFields();
        if (fields.isEmpty()) {
            return;
        }
        for (int c = 0; c < fields.size(); c++) {
            if (c > 0) {
                sb.append(',');
            }
            ValueText.csv(sb, fields.get(c).getName());
        }
        sb.append('\n');
    }

    private void printJson(DataStream result) {
        result.forEachBatch(b -> {
            checkCancelled();
            StringBuilder sb = new StringBuilder();
            List<FieldVector> vectors = b.getFieldVectors();
            for (int r = 0; r < b.getRowCount(); r++) {
                sb.append('{');
                for (int c = 0; c < vectors.size(); c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    ValueText.jsonString(sb, vectors.get(c).getName());
                    sb.append(':');
                    ValueText.json(sb, Values.get(vectors.get(c), r));
                }
                sb.append("}\n");
            }
            write(sb.toString());
        });
    }

    /**
     * Writes the schema on the first batch (or from the plan when there are none), every batch as a record
     * batch message, then the end-of-stream marker. The batches are serialised as they come, so nothing is
     * kept past the callback that owns them.
     */
    private void printArrow(DataStream result) {
        WriteChannel channel = new WriteChannel(Channels.newChannel(new NonClosing(out)));
        boolean[] started = {false};
        try {
            result.forEachBatch(b -> {
                checkCancelled();
                try {
                    if (!started[0]) {
                        MessageSerializer.serialize(channel, b.getSchema());
                        started[0] = true;
                    }
                    try (ArrowRecordBatch batch = new VectorUnloader(b).getRecordBatch()) {
                        MessageSerializer.serialize(channel, batch);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!started[0]) {
                Schema schema = result.schema();
                MessageSerializer.serialize(channel, schema == null ? new Schema(List.of()) : schema);
            }
            ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- helpers

    private void checkCancelled() {
        if (cancelled) {
            throw new NumbatException(ErrorCode.CANCELLED, "query cancelled");
        }
    }

    private void write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /** Numbers are right-aligned; numbers, dates, times and booleans are never cut short. */
    private static TableRenderer.Layout layout(ArrowType type) {
        boolean numeric = type instanceof ArrowType.Int || type instanceof ArrowType.FloatingPoint
                || type instanceof ArrowType.Decimal;
        boolean rigid = numeric || type instanceof ArrowType.Date || type instanceof ArrowType.Timestamp
                || type instanceof ArrowType.Time || type instanceof ArrowType.Bool;
        return new TableRenderer.Layout(numeric, rigid);
    }

    /** A one-row, one-column result called {@code status}: what DDL returns. */
    private static boolean isStatus(Schema schema, long rows) {
        return rows == 1 && schema.getFields().size() == 1
                && schema.getFields().get(0).getName().equalsIgnoreCase("status");
    }

    private static boolean isExplain(String statement) {
        return statement.stripLeading().toUpperCase(Locale.ROOT).startsWith("EXPLAIN");
    }

    /** DDL runs when the statement is planned; in Arrow format its status rows are not part of the output. */
    static boolean isDdl(String statement) {
        String s = statement.stripLeading().toUpperCase(Locale.ROOT);
        return s.startsWith("CREATE") || s.startsWith("DROP") || s.startsWith("ALTER") || s.startsWith("SET")
                || s.startsWith("RESET");
    }

    private static String rowCount(long n) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? "row" : "rows");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Lets a channel wrap standard output without closing it. */
    private static final class NonClosing extends OutputStream {
        private final OutputStream delegate;

        NonClosing(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }
    }
}
