package dev.numbat.cli;

import dev.numbat.cli.shell.DataDirectory;
import dev.numbat.cli.shell.OutputFormat;
import dev.numbat.cli.shell.SqlRunner;
import dev.numbat.cli.shell.SqlShell;
import dev.numbat.cli.shell.StatementSplitter;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code numbat sql}: runs SQL from {@code -e} and {@code -f}, or an interactive shell when neither is given.
 * Results go to standard output in the chosen format; errors go to standard error as
 * {@code error [CODE]: message}.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run SQL statements, or an interactive shell when no -e or -f is given.",
                "In the shell statements end with ';' and may span lines; \\d lists tables, \\d NAME describes one, "
                        + "\\timing toggles timing, \\q quits; history is kept in ~/.numbat_history.",
                "Exit code: 0 if every statement succeeded, 1 if one failed (-e stops at the first failure; "
                        + "-f scripts and the shell go on with the next statement)."})
final class SqlCommand implements Callable<Integer> {
    @Option(names = {"-e", "--execute"}, paramLabel = "SQL",
            description = "Run these statements (repeatable; run after any -f files) and exit.")
    List<String> statements = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Run the statements of this SQL script (repeatable) and exit.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, csv (RFC 4180 with a header), json (JSON Lines: one object per row) or arrow "
                    + "(an Arrow IPC stream per query). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--init", paramLabel = "FILE",
            description = "Run this SQL script first, without printing its results (CREATE EXTERNAL TABLE, views...).")
    Path init;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Register each Parquet or CSV file and each sub-directory of DIR as a table named after it.")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N",
            description = "Rows printed in table format; the rest are counted. Default: ${DEFAULT-VALUE}.")
    int maxRows;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Run the statements on the cluster of this scheduler instead of in this process.")
    String cluster;

    @picocli.CommandLine.Mixin
    ClusterOptions security = new ClusterOptions();

    @Option(names = "--timing", description = "Report each statement's elapsed time (the shell starts with it on).")
    Boolean timing;

    @Override
    public Integer call() {
        OutputFormat outputFormat;
        try {
            outputFormat = OutputFormat.parse(format);
        } catch (IllegalArgumentException e) {
            System.err.println("error [USER_ERROR]: " + e.getMessage());
            return 2;
        }
        if (maxRows < 1) {
            System.err.println("error [USER_ERROR]: --max-rows must be at least 1");
            return 2;
        }
        boolean console = System.console() != null;
        boolean interactive = statements.isEmpty() && files.isEmpty();
        try (NumbatContext ctx = context()) {
            SqlRunner runner = new SqlRunner(ctx, outputFormat, System.out, System.err, console);
            runner.maxRows(maxRows);
            runner.timing(timing != null ? timing : interactive && console);
            if (!setUp(ctx, runner)) {
                return 1;
            }
            if (interactive) {
                return shell(runner, console) ? 0 : 1;
            }
            boolean ok = true;
            for (Path file : files) {
                String script = read(file);
                if (script == null) {
                    ok = false;
                    continue;
                }
                ok &= runner.runScript(script);
            }
            for (String statement : statements) {
                if (!runner.runScript(statement)) {
                    return 1;
                }
            }
            return ok ? 0 : 1;
        }
    }

    private NumbatContext context() {
        if (cluster != null) {
            String[] hp = ClusterOptions.hostPort(cluster);
            return NumbatContext.remote(hp[0], Integer.parseInt(hp[1]), security.security());
        }
        return threads == null ? NumbatContext.local() : NumbatContext.local(threads);
    }

    /** Registers the --data tables and runs the --init script; false (error printed) if either failed. */
    private boolean setUp(NumbatContext ctx, SqlRunner runner) {
        if (data != null) {
            try {
                DataDirectory.register(ctx, data);
            } catch (RuntimeException e) {
                System.err.println(SqlRunner.errorLine(e));
                return false;
            }
        }
        if (init != null) {
            String script = read(init);
            if (script == null) {
                return false;
            }
            for (String statement : StatementSplitter.statements(script)) {
                try {
                    runner.runQuietly(statement);
                } catch (RuntimeException e) {
                    System.err.println(SqlRunner.errorLine(e) + " (in --init " + init + ")");
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean shell(SqlRunner runner, boolean console) {
        try (Terminal terminal = SqlShell.terminal(console, System.in, System.out)) {
            if (console) {
                terminal.writer().println("numbat sql: end statements with ';', \\? for help, \\q to quit.");
                terminal.writer().flush();
            }
            Path history = console ? Path.of(System.getProperty("user.home"), ".numbat_history") : null;
            return new SqlShell(runner, console).run(terminal, history);
        } catch (IOException e) {
            throw NumbatException.userError("cannot use the terminal: %s", e.getMessage());
        }
    }

    /** The text of a script, or null after printing the error. */
    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            System.err.println("error [USER_ERROR]: no such file: " + file);
        } catch (IOException e) {
            System.err.println("error [USER_ERROR]: cannot read " + file + ": " + e.getMessage());
        }
        return null;
    }
}
