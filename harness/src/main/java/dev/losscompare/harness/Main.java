package dev.losscompare.harness;

import dev.losscompare.harness.cli.CompareCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of loss_compare.sh. Every failure to decide ends as one line on stderr and exit 2. */
public final class Main {
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(Console.system(), args));
    }

    public static int execute(Console console, String... args) {
        CommandLine cli = new CommandLine(new CompareCommand(console));
        cli.setOut(new PrintWriter(console.out(), true));
        cli.setErr(new PrintWriter(console.err(), true));
        cli.setParameterExceptionHandler((e, a) -> {
            console.err().println("loss_compare: " + e.getMessage() + " (see --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageException) {
                console.err().println("loss_compare: " + e.getMessage());
            } else {
                console.err().println("loss_compare: internal error: " + e);
                e.printStackTrace(console.err());
            }
            return USAGE;
        });
        return cli.execute(args);
    }
}
