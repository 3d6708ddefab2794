package dev.numbat.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.client.NumbatContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SqlShellTest {
    @Test
    void historyKeepsWholeStatementsAndCommands(@TempDir Path dir) throws Exception {
        Path history = dir.resolve("history");
        String input = "select 1\n  as a; select\n2 as b;\n\\timing\nselect 3 as c;\n\\q;\nselect 4;\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean ok;
        try (NumbatContext ctx = NumbatContext.local(1);
                PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                Terminal terminal = SqlShell.terminal(false,
                        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o)) {
            SqlRunner runner = new SqlRunner(ctx, OutputFormat.CSV, o, e, false);
            ok = new SqlShell(runner, false).run(terminal, history);
        }
        assertThat(ok).isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Time: ").doesNotContain("error");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("a\n1\n", "b\n2\n", "Timing is on.", "c\n3\n")
                .doesNotContain("4");
        // JLine stores one entry per line as "time:text", with line breaks escaped.
        assertThat(Files.readAllLines(history)).extracting(l -> l.substring(l.indexOf(':') + 1))
                .containsExactly("select 1\\n  as a;", "select\\n2 as b;", "\\\\timing", "select 3 as c;", "\\\\q;");
    }
}
