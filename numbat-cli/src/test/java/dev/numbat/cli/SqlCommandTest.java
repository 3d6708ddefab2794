package dev.numbat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code numbat sql} end to end: a real context over small Parquet and CSV files, output captured. */
@Timeout(120)
class SqlCommandTest {
    @TempDir
    static Path data;

    /** items.parquet (a file) and people/ (a directory of CSV files). */
    @BeforeAll
    static void writeData() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES"
                    + " (1, 'apple', 1.50::DECIMAL(10,2), DATE '2024-01-02', NULL),"
                    + " (2, 'a, b', 20.25::DECIMAL(10,2), DATE '2024-02-03', 'say \"hi\"'),"
                    + " (3, '', 300.00::DECIMAL(10,2), DATE '2024-03-04', ' padded ')"
                    + ") t(id, name, price, sold, note)) TO '" + data.resolve("items.parquet")
                    + "' (FORMAT parquet)");
        }
        Path people = Files.createDirectories(data.resolve("people"));
        Files.writeString(people.resolve("part-0.csv"), "pid,pname\n1,ann\n2,bob\n");
        Files.writeString(people.resolve("part-1.csv"), "pid,pname\n3,cy\n");
        Files.writeString(data.resolve("notes.txt"), "not a table");
    }

    record Result(int exit, String out, String err) {
    }

    private static Result run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = Main.run(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private static Result sql(String... args) {
        List<String> all = new ArrayList<>(List.of("sql", "--threads", "2", "--data", data.toString()));
        all.addAll(List.of(args));
        return run("", all.toArray(new String[0]));
    }

    private static Result shell(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("sql", "--threads", "2", "--data", data.toString()));
        all.addAll(List.of(args));
        return run(stdin, all.toArray(new String[0]));
    }

    @Test
    void shellListsAndDescribesTablesAndViews() {
        Result r = shell("""
                create view cheap as select id, name from items where price < 100;
                \\d
                \\d items
                \\d PEOPLE
                \\d cheap
                \\d nope
                \\q
                select 1;
                """);
        assertThat(r.out()).contains("created view cheap");
        assertThat(r.out()).contains("| items      | TABLE      |", "| people     | TABLE      |",
                "| cheap      | VIEW       |", "3 rows");
        assertThat(r.out()).doesNotContain("notes");
        assertThat(r.out()).contains("| price       | DECIMAL(10,2) | YES         |",
                "| sold        | DATE          | YES         |");
        assertThat(r.out()).contains("| pname       |");
        assertThat(r.out()).contains("| id          | INTEGER   |");
        assertThat(r.err()).contains("error [USER_ERROR]:").contains("nope");
        assertThat(r.out()).doesNotContain("| 1 |"); // nothing runs after \\q
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void shellRunsMultiLineStatementsAndGoesOnAfterAnError() {
        Result r = shell("select id,\n  name\nfrom items\nwhere id = 1;\nselect nope from items;\n\\timing\n"
                + "select 2 as y; select 3 as z;\n");
        assertThat(r.out()).contains("| id | name  |", "|  1 | apple |", "1 row");
        assertThat(r.err()).contains("error [USER_ERROR]:").contains("nope");
        assertThat(r.out()).contains("Timing is on.", "| y |", "| 2 |", "| 3 |")
                .containsPattern("1 row \\(\\d+\\.\\d{3} s\\)");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void csvFollowsRfc4180() {
        Result r = sql("-e", "select id, name, price, sold, note from items order by id", "--format", "csv");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("id,name,price,sold,note\n"
                + "1,apple,1.50,2024-01-02,\n"
                + "2,\"a, b\",20.25,2024-02-03,\"say \"\"hi\"\"\"\n"
                + "3,\"\",300.00,2024-03-04,\" padded \"\n");
    }

    @Test
    void jsonWritesOneObjectPerLine() {
        Result r = sql("-e", "select id, name, price, sold, note from items where id <= 2 order by id",
                "--format", "json");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(
                "{\"id\":1,\"name\":\"apple\",\"price\":1.50,\"sold\":\"2024-01-02\",\"note\":null}\n"
                + "{\"id\":2,\"name\":\"a, b\",\"price\":20.25,\"sold\":\"2024-02-03\",\"note\":\"say \\\"hi\\\"\"}\n");
    }

    @Test
    void arrowWritesAnIpcStream() throws Exception {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true));
            exit = Main.run("sql", "--threads", "2", "--data", data.toString(), "--format", "arrow",
                    "-e", "select id, name from items order by id");
        } finally {
            System.setOut(oldOut);
        }
        assertThat(exit).isZero();
        List<String> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader =
                        new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(root.getSchema().getFields()).extracting(f -> f.getName()).containsExactly("id", "name");
            while (reader.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    rows.add(root.getVector(0).getObject(i) + ":" + root.getVector(1).getObject(i));
                }
            }
        }
        assertThat(rows).containsExactly("1:apple", "2:a, b", "3:");
    }

    @Test
    void tableRightAlignsNumbersAndCountsRows() {
        Result r = sql("-e", "select pid, pname from people order by pid");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                +-----+-------+
                | pid | pname |
                +-----+-------+
                |   1 | ann   |
                |   2 | bob   |
                |   3 | cy    |
                +-----+-------+
                3 rows
                """);
    }

    @Test
    void tableFitsTheWidthAndCutsLongText() {
        Result r = sql("-e", "select id, '" + "x".repeat(300) + "' as long_text, name from items order by id");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
        assertThat(r.out()).contains("xx…", "| apple |", "3 rows");
    }

    @Test
    void maxRowsLimitsTheTableButCountsAll() {
        Result r = sql("--max-rows", "2", "-e", "select id from items order by id");
        assertThat(r.out()).contains("|  1 |", "|  2 |", "3 rows, first 2 shown").doesNotContain("|  3 |");
    }

    @Test
    void scriptGoesOnAfterAFailingStatementAndFailsAtTheEnd(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.sql");
        Files.writeString(script, """
                -- a comment; with a semicolon
                select count(*) as n from items;
                select * from no_such_table;
                select 'a;b' as s;
                /* trailing comment */
                """);
        Result r = sql("-f", script.toString(), "--format", "csv");
        assertThat(r.out()).isEqualTo("n\n3\ns\na;b\n");
        assertThat(r.err()).startsWith("error [USER_ERROR]: ").contains("no_such_table");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void executeStopsAtTheFirstFailureWithExitCodeOne() {
        Result r = sql("--format", "csv", "-e", "select 1 as a", "-e", "select nope", "-e", "select 2 as b");
        assertThat(r.out()).isEqualTo("a\n1\n");
        assertThat(r.err()).startsWith("error [USER_ERROR]: ");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void repeatedExecuteRunsInOrder() {
        Result r = sql("--format", "csv", "-e", "select 1 as a", "-e", "select 2 as b; select 3 as c");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("a\n1\nb\n2\nc\n3\n");
    }

    @Test
    void initRunsDdlFirstWithoutOutput(@TempDir Path dir) throws Exception {
        Path init = dir.resolve("init.sql");
        Files.writeString(init, "create view cheap as select id, name from items where price < 100;\n");
        Result r = sql("--init", init.toString(), "--format", "csv", "-e", "select id from cheap order by id");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("id\n1\n2\n");
        assertThat(r.exit()).isZero();
    }

    @Test
    void failingInitStopsWithExitCodeOne(@TempDir Path dir) throws Exception {
        Path init = dir.resolve("init.sql");
        Files.writeString(init, "select * from no_such_table;");
        Result r = sql("--init", init.toString(), "-e", "select 1");
        assertThat(r.err()).startsWith("error [USER_ERROR]: ").contains("--init");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreReported() {
        assertThat(sql("--format", "xml", "-e", "select 1").exit()).isEqualTo(2);
        Result missing = sql("-f", data.resolve("missing.sql").toString());
        assertThat(missing.err()).contains("error [USER_ERROR]: no such file");
        assertThat(missing.exit()).isEqualTo(1);
        Result badData = run("", "sql", "--data", data.resolve("nowhere").toString(), "-e", "select 1");
        assertThat(badData.err()).contains("error [USER_ERROR]: --data").contains("not a directory");
        assertThat(badData.exit()).isEqualTo(1);
    }
}
