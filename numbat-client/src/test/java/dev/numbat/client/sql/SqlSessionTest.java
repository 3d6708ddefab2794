package dev.numbat.client.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL queries, DDL, views, CREATE TABLE AS, scripts, EXPLAIN and errors through {@code ctx.sql}. */
class SqlSessionTest {
    @TempDir
    Path dir;

    private NumbatContext ctx;

    @BeforeEach
    void setUp() throws IOException {
        ctx = NumbatContext.local(2);
        Path emp = dir.resolve("emp.csv");
        Files.writeString(emp, """
                1|ann|10|1200.50|2020-01-15
                2|bob|10|800.25|2021-03-01
                3|cid|20|950.00|2019-07-30
                4|dee|30|1500.75|2022-11-11
                """);
        Path dept = dir.resolve("dept.csv");
        Files.writeString(dept, """
                dept_id,dept_name
                10,sales
                20,research
                40,legal
                """);
        ctx.sql("""
                CREATE EXTERNAL TABLE emp (id BIGINT, name VARCHAR, dept BIGINT, salary DECIMAL(10, 2), hired DATE)
                STORED AS CSV LOCATION '%s' OPTIONS ('header' 'false', 'delimiter' '|')""".formatted(emp));
        ctx.sql("CREATE EXTERNAL TABLE dept STORED AS CSV LOCATION '%s'".formatted(dept));
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private List<List<Object>> rows(String sql) {
        return ctx.sql(sql).collectRows().stream().map(Row::values).toList();
    }

    @Test
    void externalTablesUseDeclaredOrInferredSchemas() {
        assertThat(rows("DESCRIBE emp")).containsExactly(
                List.of("id", "BIGINT", "YES"), List.of("name", "VARCHAR", "YES"), List.of("dept", "BIGINT", "YES"),
                List.of("salary", "DECIMAL(10, 2)", "YES"), List.of("hired", "DATE", "YES"));
        assertThat(rows("select dept_name from dept where dept_id = 20")).containsExactly(List.of("research"));
        assertThat(rows("SHOW TABLES")).containsExactly(List.of("dept", "TABLE"), List.of("emp", "TABLE"));
    }

    @Test
    void reservedWordsWorkAsAliasesAsInDuckDb() {
        assertThat(rows("select extract(year from hired) as year, count(*) as value, cast(dept as integer) as one "
                + "from emp group by extract(year from hired), dept order by year limit 2")).containsExactly(
                List.of(2019L, 1L, 20), List.of(2020L, 1L, 10));
    }

    @Test
    void duckDbDefaultsAndSpellings() {
        // NULLs sort last both ascending and descending unless NULLS FIRST is written.
        assertThat(rows("select nullif(dept, 20) as d from emp order by d desc")).extracting(r -> r.get(0))
                .containsExactly(30L, 10L, 10L, null);
        assertThat(rows("select nullif(dept, 20) as d from emp order by d desc nulls first"))
                .extracting(r -> r.get(0)).containsExactly(null, 30L, 10L, 10L);
        // Unquoted identifiers match regardless of case; a trailing semicolon is fine.
        assertThat(rows("SELECT NAME FROM EMP WHERE Id = 2;")).containsExactly(List.of("bob"));
        // a // b is integer division (Calcite's parser would read a comment), day(d), INTERVAL n DAY.
        assertThat(rows("select id // 2, day(hired), hired + interval 3 day from emp where id = 3"))
                .containsExactly(List.of(1L, 30L, java.time.LocalDate.of(2019, 8, 2)));
        // PostgreSQL/DuckDB functions: ILIKE, LENGTH, STARTS_WITH, DATE_TRUNC/DATE_PART with a string unit.
        assertThat(rows("select name, length(name), date_part('year', hired), date_trunc('month', hired) from emp "
                + "where name ilike 'A%' or starts_with(name, 'd') order by name")).containsExactly(
                List.of("ann", 3, 2020L, java.time.LocalDate.of(2020, 1, 1)),
                List.of("dee", 3, 2022L, java.time.LocalDate.of(2022, 11, 1)));
    }

    @Test
    void postgresStyleCasts() {
        assertThat(rows("select dept::varchar as d, '2020-01-01'::date as x, (salary * 2)::integer as s, "
                + "upper(name)::varchar(10) as u, e.id::double as f from emp e where id = 1")).containsExactly(
                List.of("10", java.time.LocalDate.of(2020, 1, 1), 2401, "ANN", 1.0));
    }

    @Test
    void queriesJoinAggregateAndOrder() {
        assertThat(rows("""
                select d.dept_name, count(*) as n, sum(e.salary) as total
                from emp e, dept d
                where e.dept = d.dept_id
                group by d.dept_name
                having count(*) >= 1
                order by total desc
                limit 5""")).containsExactly(
                List.of("sales", 2L, new BigDecimal("2000.75")), List.of("research", 1L, new BigDecimal("950.00")));
    }

    @Test
    void subqueriesCteCaseAndSetOperations() {
        assertThat(rows("""
                with big as (select * from emp where salary > 900)
                select name, case when salary > 1000 then 'high' else 'mid' end as band
                from big
                where dept in (select dept_id from dept)
                  and exists (select 1 from dept d where d.dept_id = big.dept)
                order by name""")).containsExactly(List.of("ann", "high"), List.of("cid", "mid"));
        assertThat(rows("select name from emp e where not exists (select 1 from dept d where d.dept_id = e.dept)"))
                .containsExactly(List.of("dee"));
        assertThat(rows("select name from emp where salary > (select avg(salary) from emp) order by name"))
                .containsExactly(List.of("ann"), List.of("dee"));
        assertThat(rows("select dept from emp union select dept_id from dept order by 1"))
                .containsExactly(List.of(10L), List.of(20L), List.of(30L), List.of(40L));
        assertThat(rows("select dept from emp intersect select dept_id from dept order by 1"))
                .containsExactly(List.of(10L), List.of(20L));
        assertThat(rows("select dept_id from dept except select dept from emp")).containsExactly(List.of(40L));
        assertThat(rows("select distinct dept from emp order by dept desc"))
                .containsExactly(List.of(30L), List.of(20L), List.of(10L));
    }

    @Test
    void typesFollowAnalyticEngines() {
        // AVG of a DECIMAL is a DOUBLE; CASE of string literals is VARCHAR (no padding); 'value' is an alias
        List<List<Object>> r = rows("""
                select avg(salary) as value,
                       max(case when dept = 10 then 'a' else 'longer' end) as c,
                       extract(year from min(hired)) as y,
                       count(*) filter (where name like '%e%') as e
                from emp""");
        assertThat(r).hasSize(1);
        assertThat((Double) r.get(0).get(0)).isCloseTo(1112.875, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get(0).get(1)).isEqualTo("longer");
        assertThat(((Number) r.get(0).get(2)).longValue()).isEqualTo(2019L);
        assertThat(rows("select case when id = 1 then 'x' else 'yyy' end from emp where id = 1"))
                .containsExactly(List.of("x"));
        assertThat(rows("select count(*) from emp where hired < date '2020-01-01' + interval '1' month"))
                .containsExactly(List.of(2L));
    }

    @Test
    void viewsAreUsableInLaterQueriesAndCanBeReplacedAndDropped() {
        ctx.sql("create view rich as select name, dept from emp where salary > 1000");
        assertThat(rows("select r.name, d.dept_name from rich r join dept d on r.dept = d.dept_id"))
                .containsExactly(List.of("ann", "sales"));
        assertThatThrownBy(() -> ctx.sql("create view rich as select 1 as x"))
                .hasMessageContaining("view 'rich' already exists");
        ctx.sql("create or replace view rich as select name from emp where salary > 1400");
        assertThat(rows("select * from rich")).containsExactly(List.of("dee"));
        assertThat(rows("show tables")).contains(List.of("rich", "VIEW"));
        assertThatThrownBy(() -> ctx.sql("drop table rich")).hasMessageContaining("is a view; use DROP VIEW");
        ctx.sql("drop view rich");
        ctx.sql("drop view if exists rich");
        assertThatThrownBy(() -> ctx.sql("select * from rich")).hasMessageContaining("no table or view 'rich'");
    }

    @Test
    void createTableAsWritesFilesAndRegistersThem() {
        Path out = dir.resolve("out");
        List<List<Object>> status = rows("CREATE TABLE by_dept STORED AS PARQUET LOCATION '" + out
                + "' AS SELECT dept, count(*) AS n FROM emp GROUP BY dept");
        assertThat(status).containsExactly(List.of("created table by_dept (3 rows)"));
        assertThat(out).isDirectory();
        assertThat(rows("select dept, n from by_dept order by dept"))
                .containsExactly(List.of(10L, 2L), List.of(20L, 1L), List.of(30L, 1L));
        ctx.sql("drop table by_dept");
        assertThat(ctx.catalog().contains("by_dept")).isFalse();
        assertThatThrownBy(() -> ctx.sql("drop table by_dept")).hasMessageContaining("no table 'by_dept'");
    }

    @Test
    void scriptsSplitOnSemicolonsOutsideQuotesAndComments() {
        List<DataStream> results = ctx.sqlScript("""
                -- a comment; with a semicolon
                create view v as select name from emp where name <> 'a;b';
                /* another; comment */
                select count(*) from v;
                select 'x;y' as s;
                """);
        assertThat(results).hasSize(3);
        assertThat(results.get(1).collectRows().get(0).get(0)).isEqualTo(4L);
        assertThat(results.get(2).collectRows().get(0).get(0)).isEqualTo("x;y");
    }

    @Test
    void explainShowsBothPlans() {
        List<List<Object>> plan = rows("explain select dept, count(*) from emp group by dept");
        assertThat(ctx.sql("explain select 1").columns()).containsExactly("plan");
        assertThat((String) plan.get(0).get(0)).contains("== Logical plan (optimised) ==", "== Task graph ==");
        List<List<Object>> analyzed = rows("explain analyze select dept, count(*) from emp group by dept");
        assertThat(analyzed).hasSize(1);
        assertThat((String) analyzed.get(0).get(0)).isNotBlank();
    }

    @Test
    void parseErrorsNameLineColumnAndExpectation() {
        assertThatThrownBy(() -> ctx.sql("select name\nfrom emp\nwhere and dept = 1"))
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR))
                .hasMessageContaining("line 3, column 7")
                .hasMessageContaining("expected");
        assertThatThrownBy(() -> ctx.sql("create external table t stored as csv"))
                .hasMessageContaining("expected LOCATION");
        // positions in scripts are those of the script
        assertThatThrownBy(() -> ctx.sqlScript("select 1;\nselect 2;\nselect frm emp;"))
                .hasMessageContaining("line 3");
    }

    @Test
    void unknownNamesSuggestTheClosest() {
        assertThatThrownBy(() -> ctx.sql("select * from empp"))
                .hasMessageContaining("line 1, column 15")
                .hasMessageContaining("no table or view 'empp' (did you mean 'emp'?)");
        assertThatThrownBy(() -> ctx.sql("select nmae from emp"))
                .hasMessageContaining("line 1, column 8")
                .hasMessageContaining("(did you mean 'name'?)");
        assertThatThrownBy(() -> ctx.sql("describe dpet")).hasMessageContaining("(did you mean 'dept'?)");
    }

    @Test
    void typeErrorsNameBothTypes() {
        assertThatThrownBy(() -> ctx.sql("select hired + true from emp"))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("DATE")
                .hasMessageContaining("BOOLEAN")
                .hasMessageNotContaining("Supported form");
    }

    @Test
    void unsupportedStatementsAreUserErrors() {
        assertThatThrownBy(() -> ctx.sql("insert into emp values (1, 'x', 1, 1.0, date '2020-01-01')"))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("not supported");
    }
}
