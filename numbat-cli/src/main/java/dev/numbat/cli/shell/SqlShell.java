package dev.numbat.cli.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;

/**
 * The interactive loop of {@code numbat sql}: reads lines with JLine (editing, history), collects them until a
 * statement ends with {@code ;}, runs it, and handles the backslash commands. Ctrl-C clears the line being typed
 * or cancels the running query; Ctrl-D or {@code \q} leaves.
 */
public final class SqlShell {
    static final String PROMPT = "numbat> ";
    static final String CONTINUATION = "     -> ";
    static final String HELP = """
            Statements end with ';' and may span lines.
              \\d          list tables
              \\d NAME     describe table NAME
              \\timing     toggle query timing
              \\?          this help
              \\q          quit (or Ctrl-D)
            """;

    private final SqlRunner runner;
    private final boolean prompts;
    private boolean failed;

    /** @param prompts whether to show prompts (not when reading a pipe, where they would only clutter the output) */
    public SqlShell(SqlRunner runner, boolean prompts) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.prompts = prompts;
    }

    /**
     * A terminal for the shell: the system terminal when there is a console, else a dumb terminal over
     * {@code in} and {@code out} (JLine's system terminal would read nothing from a pipe).
     */
    public static Terminal terminal(boolean console, InputStream in, OutputStream out) {
        try {
            if (console) {
                return TerminalBuilder.builder().name("numbat").system(true).build();
            }
            return new DumbTerminal("numbat", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and runs statements until end of input or {@code \q}.
     *
     * @param history the history file, or null for none
     * @return true if every statement succeeded
     */
    public boolean run(Terminal terminal, Path history) {
        StatementHistory statements = new StatementHistory();
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("numbat")
                .history(statements).option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (history != null) {
            builder.variable(LineReader.HISTORY_FILE, history);
        }
        LineReader reader = builder.build();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> runner.cancel());
        StringBuilder buffer = new StringBuilder();
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(!prompts ? "" : buffer.isEmpty() ? PROMPT : CONTINUATION);
                } catch (UserInterruptException e) {
                    buffer.setLength(0);
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (line.strip().startsWith("\\")) {
                    // As in psql, a backslash command works on a continuation line too; the statement waits.
                    statements.addEntry(line.strip());
                    if (!command(line.strip(), terminal)) {
                        buffer.setLength(0);
                        break;
                    }
                    continue;
                }
                buffer.append(line).append('\n');
                StatementSplitter.Split split = StatementSplitter.split(buffer.toString());
                if (!split.statements().isEmpty()) {
                    String text = buffer.toString();
                    int end = split.incomplete() ? text.lastIndexOf(split.rest()) : text.length();
                    statements.addEntry(text.substring(0, end).strip());
                }
                for (String statement : split.statements()) {
                    runner.width(terminal.getWidth());
                    failed |= !runner.run(statement);
                }
                buffer.setLength(0);
                if (split.incomplete()) {
                    buffer.append(split.rest()).append('\n');
                }
            }
            if (!buffer.toString().isBlank()) {
                // Input ended inside a statement: run what there is, as a script would.
                failed |= !runner.runScript(buffer.toString());
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException | RuntimeException e) {
                // History is a convenience: losing it must not fail the session.
            }
        }
        return !failed;
    }

    /** Runs a backslash command; false means quit. */
    private boolean command(String line, Terminal terminal) {
        String[] words = line.split("\\s+", 2);
        if (words[0].endsWith(";")) {
            words[0] = words[0].substring(0, words[0].length() - 1);
        }
        String arg = words.length > 1 ? words[1].trim() : "";
        runner.width(terminal.getWidth());
        switch (words[0]) {
            case "\\q", "\\quit" -> {
                return false;
            }
            case "\\d" -> {
                if (arg.isEmpty()) {
                    runner.listTables();
                } else {
                    failed |= !runner.describe(arg.endsWith(";") ? arg.substring(0, arg.length() - 1) : arg);
                }
            }
            case "\\timing" -> {
                boolean on = switch (arg.toLowerCase(java.util.Locale.ROOT)) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> !runner.timing();
                };
                runner.timing(on);
                print(terminal, "Timing is " + (on ? "on" : "off") + ".\n");
            }
            case "\\?", "\\h", "\\help" -> print(terminal, HELP);
            default -> print(terminal, "unknown command " + words[0] + "; \\? lists the commands\n");
        }
        return true;
    }

    private static void print(Terminal terminal, String text) {
        terminal.writer().print(text);
        terminal.writer().flush();
    }
}
