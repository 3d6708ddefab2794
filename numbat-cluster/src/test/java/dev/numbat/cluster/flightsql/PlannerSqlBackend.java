package dev.numbat.cluster.flightsql;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.plan.types.ArrowCalciteTypes;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.TaskGraph;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;

/**
 * A {@link SqlBackend} for tests: queries parsed and validated by Calcite with the planner's configuration,
 * compiled by {@link PlannerContext} and run on a {@link LocalRuntime}; two DDL statements
 * ({@code CREATE EXTERNAL TABLE name STORED AS PARQUET|CSV LOCATION 'path'} and {@code DROP TABLE name}) so
 * that the update path has something to do. The real SQL front end lives in numbat-client.
 */
final class PlannerSqlBackend implements SqlBackend {
    private static final Pattern CREATE = Pattern.compile(
            "\\s*CREATE\\s+EXTERNAL\\s+TABLE\\s+(\\w+)\\s+STORED\\s+AS\\s+(PARQUET|CSV)"
                    + "\\s+LOCATION\\s+'([^']*)'\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP =
            Pattern.compile("\\s*DROP\\s+TABLE\\s+(\\w+)\\s*;?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Schema NO_COLUMNS = new Schema(List.of());

    private final PlannerContext planner;
    private final LocalRuntime runtime;
    private final BufferAllocator allocator;
    /** Jobs started and not yet closed: the tests check that the producer closes every one. */
    final AtomicInteger openResults = new AtomicInteger();
    /** Jobs cancelled or closed before they finished. */
    final AtomicInteger cancelled = new AtomicInteger();

    PlannerSqlBackend(PlannerContext planner, LocalRuntime runtime, BufferAllocator allocator) {
        this.planner = planner;
        this.runtime = runtime;
        this.allocator = allocator;
    }

    Catalog catalog() {
        return planner.catalog();
    }

    @Override
    public Schema schema(String sql) {
        if (CREATE.matcher(sql).matches() || DROP.matcher(sql).matches()) {
            return NO_COLUMNS;
        }
        return ArrowCalciteTypes.toSchema(toRel(sql).getRowType());
    }

    @Override
    public SqlResult execute(String sql) {
        Matcher create = CREATE.matcher(sql);
        if (create.matches()) {
            String path = create.group(3);
            catalog().register(create.group(1), create.group(2).toUpperCase(Locale.ROOT).equals("CSV")
                    ? new CsvSource(path) : new ParquetSource(path));
            return new DdlResult();
        }
        Matcher drop = DROP.matcher(sql);
        if (drop.matches()) {
            if (!catalog().drop(drop.group(1))) {
                throw NumbatException.userError("no table %s", drop.group(1));
            }
            return new DdlResult();
        }
        RelNode rel = toRel(sql);
        Schema schema = ArrowCalciteTypes.toSchema(rel.getRowType());
        TaskGraph graph = planner.compile(rel);
        return new JobResult(runtime.submit(graph, allocator), schema);
    }

    @Override
    public List<TableInfo> tables() {
        return catalog().tableNames().stream().sorted()
                .map(n -> new TableInfo(n, catalog().table(n).source().schema()))
                .toList();
    }

    private RelNode toRel(String sql) {
        Planner p = Frameworks.getPlanner(planner.config());
        try {
            SqlNode validated = p.validate(p.parse(sql));
            RelRoot root = p.rel(validated);
            return root.project();
        } catch (SqlParseException e) {
            var pos = e.getPos();
            throw new NumbatException(ErrorCode.USER_ERROR, String.format("SQL syntax error at line %d, column %d: %s",
                    pos.getLineNum(), pos.getColumnNum(), e.getMessage().lines().findFirst().orElse("")), e);
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof CalciteContextException cce) {
                    throw new NumbatException(ErrorCode.USER_ERROR, String.format("SQL error at line %d, column %d: %s",
                            cce.getPosLine(), cce.getPosColumn(), cce.getCause().getMessage()), e);
                }
            }
            throw new NumbatException(ErrorCode.USER_ERROR, "SQL error: " + e.getMessage(), e);
        } finally {
            p.close();
        }
    }

    private final class JobResult implements SqlResult {
        private final Job job;
        private final Schema schema;
        private final Iterator<VectorSchemaRoot> results;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private boolean closed;

        JobResult(Job job, Schema schema) {
            this.job = job;
            this.schema = schema;
            this.results = job.results();
            openResults.incrementAndGet();
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        public VectorSchemaRoot next() {
            return results.hasNext() ? results.next() : null;
        }

        @Override
        public void cancel() {
            countStop();
            job.cancel();
        }

        /** Counts this result once in {@link #cancelled} if it is stopped before its job finished. */
        private void countStop() {
            if (!job.isDone() && !stopped.getAndSet(true)) {
                cancelled.incrementAndGet();
            }
        }

        @Override
        public long updateCount() {
            return -1;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                countStop();
                job.close();
                openResults.decrementAndGet();
            }
        }
    }

    private static final class DdlResult implements SqlResult {
        @Override
        public Schema schema() {
            return NO_COLUMNS;
        }

        @Override
        public VectorSchemaRoot next() {
            return null;
        }

        @Override
        public void cancel() {
        }

        @Override
        public long updateCount() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
