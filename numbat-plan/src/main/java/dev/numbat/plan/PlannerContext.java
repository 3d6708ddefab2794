package dev.numbat.plan;

import dev.numbat.plan.catalog.Catalog;
import dev.numbat.plan.physical.PhysicalPlanner;
import dev.numbat.plan.sql.NumbatOperatorTable;
import dev.numbat.plan.types.NumbatTypeSystem;
import dev.numbat.runtime.TaskGraph;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;

/**
 * The entry point of the logical plan: Calcite configured for Numbat over a {@link Catalog}.
 *
 * <pre>{@code
 * Catalog catalog = new Catalog();
 * catalog.register("lineitem", new ParquetSource("/data/lineitem.parquet"));
 * PlannerContext planner = new PlannerContext(catalog, PlanOptions.defaults());
 * RelBuilder b = planner.relBuilder();
 * RelNode q = b.scan("lineitem").filter(...).aggregate(...).build();
 * TaskGraph graph = planner.compile(q);           // optimise + physical plan
 * String text = planner.explain(q);               // both plans, for users
 * }</pre>
 *
 * <p>One type system ({@link NumbatTypeSystem}), case-sensitive identifiers left as written, and one
 * optimiser ({@link Optimizer}). Instances are immutable and thread-safe; every {@link #relBuilder()} is new
 * (RelBuilders are not thread-safe).
 */
public final class PlannerContext {
    /** The suffix {@code SqlExplainLevel.ALL_ATTRIBUTES} adds to each operator's line. */
    private static final Pattern CALCITE_ESTIMATES = Pattern.compile(
            ": rowcount = ([^,]+), cumulative cost = \\{[^}]*\\}, id = \\d+$", Pattern.MULTILINE);

    private final Catalog catalog;
    private final PlanOptions options;
    private final FrameworkConfig config;
    private final RelBuilder.Config relBuilderConfig;

    public PlannerContext(Catalog catalog, PlanOptions options) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.options = Objects.requireNonNull(options, "options");
        this.relBuilderConfig = RelBuilder.Config.DEFAULT
                .withSimplify(true)
                .withPruneInputOfAggregate(true)
                .withDedupAggregateCalls(true);
        this.config = Frameworks.newConfigBuilder()
                .defaultSchema(catalog.schema())
                .typeSystem(NumbatTypeSystem.INSTANCE)
                .operatorTable(NumbatOperatorTable.instance())
                .parserConfig(SqlParser.config()
                        // DuckDB (and Postgres for unquoted names) match identifiers regardless of case.
                        .withCaseSensitive(false)
                        .withUnquotedCasing(Casing.UNCHANGED)
                        .withQuotedCasing(Casing.UNCHANGED)
                        .withConformance(SqlConformanceEnum.LENIENT))
                .sqlToRelConverterConfig(SqlToRelConverter.config()
                        .withExpand(false)
                        .withTrimUnusedFields(true)
                        .withRelBuilderConfigTransform(c -> relBuilderConfig))
                .context(Contexts.of(relBuilderConfig, connectionConfig()))
                .build();
    }

    /**
     * NULLs sort last whether ascending or descending unless the query says otherwise (DuckDB's default;
     * Calcite's, like PostgreSQL's, puts them first when descending). The validator reads this.
     */
    private static CalciteConnectionConfigImpl connectionConfig() {
        Properties p = new Properties();
        p.setProperty(CalciteConnectionProperty.DEFAULT_NULL_COLLATION.camelName(), NullCollation.LAST.name());
        p.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        return new CalciteConnectionConfigImpl(p);
    }

    public PlannerContext(Catalog catalog) {
        this(catalog, PlanOptions.defaults());
    }

    public Catalog catalog() {
        return catalog;
    }

    public PlanOptions options() {
        return options;
    }

    /** The Calcite configuration (schema, type system, parser) for SQL front ends. */
    public FrameworkConfig config() {
        return config;
    }

    /** A new RelBuilder over the catalog's tables. */
    public RelBuilder relBuilder() {
        return RelBuilder.create(config);
    }

    /** The RelBuilder configuration used here and by the optimiser's rules. */
    public RelBuilder.Config relBuilderConfig() {
        return relBuilderConfig;
    }

    /** The logical plan after Numbat's Calcite rules (see {@link Optimizer}). */
    public RelNode optimize(RelNode logical) {
        return Optimizer.optimize(logical, relBuilderConfig, options.reorderJoins());
    }

    /** The task graph of an already optimised plan. */
    public TaskGraph toTaskGraph(RelNode optimized) {
        return new PhysicalPlanner(options).plan(optimized);
    }

    /** Optimises {@code logical} and turns it into a task graph whose output is the query's result. */
    public TaskGraph compile(RelNode logical) {
        return toTaskGraph(optimize(logical));
    }

    /** Calcite's optimised plan (with estimated rows) and the task graph made from it, as text. */
    public String explain(RelNode logical) {
        RelNode optimized = optimize(logical);
        TaskGraph graph = toTaskGraph(optimized);
        return String.join("\n", List.of("== Logical plan (optimised) ==", explainWithEstimates(optimized),
                "== Task graph ==", graph.explain().stripTrailing())) + "\n";
    }

    /**
     * A plan as Calcite prints it, each operator followed by the optimiser's estimate of its output rows
     * ({@code : rowcount = 1500}, from the tables' statistics and {@code RelMetadataQuery}); Calcite's
     * cumulative cost and node ids are left out as noise for users.
     */
    public String explainWithEstimates(RelNode plan) {
        String text = RelOptUtil.toString(plan, SqlExplainLevel.ALL_ATTRIBUTES).stripTrailing();
        Matcher m = CALCITE_ESTIMATES.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(": rowcount = " + rows(m.group(1))));
        }
        return m.appendTail(sb).toString();
    }

    private static String rows(String calcite) {
        try {
            double d = Double.parseDouble(calcite);
            return Double.isFinite(d) && d >= 1 ? Long.toString(Math.round(d)) : calcite;
        } catch (NumberFormatException e) {
            return calcite;
        }
    }
}
