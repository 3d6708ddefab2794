package dev.numbat.cli;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code numbat} command. */
@Command(name = "numbat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Numbat: a dataflow and SQL engine over Apache Arrow.",
        subcommands = {DemoCommand.class, DatagenCommand.class, BenchCommand.class, SqlCommand.class,
                SchedulerCommand.class, ExecutorCommand.class, AdminCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 bad input, 2 bad usage, 3 internal error). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            NumbatException ne = unwrap(e);
            if (ne != null) {
                line.getErr().println("error [" + ne.code() + "]: " + ne.getMessage());
                return ne.code() == ErrorCode.USER_ERROR ? 1 : 3;
            }
            line.getErr().println("error [INTERNAL]: " + e);
            e.printStackTrace(line.getErr());
            return 3;
        });
        return cli.execute(args);
    }

    private static NumbatException unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NumbatException ne) {
                return ne;
            }
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"numbat " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
