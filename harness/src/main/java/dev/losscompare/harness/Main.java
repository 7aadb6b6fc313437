package dev.losscompare.harness;

import dev.losscompare.core.result.ExitCode;
import dev.losscompare.harness.cli.LossCompareCommand;
import dev.losscompare.harness.engine.Interrupted;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * Entry point of loss_compare.sh (the command tree is in docs/architecture.md): picocli parses, the
 * commands call the Java API ({@link dev.losscompare.harness.api.LossCompare}). Every failure to
 * decide ends as one line on stderr and exit 2; Ctrl-C is exit 130.
 */
public final class Main {
    public static final int USAGE = ExitCode.UNDECIDED;
    private static final Set<String> ROOT_WORDS = Set.of("-h", "--help", "-V", "--version");

    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(Console.system(), args));
    }

    public static int execute(Console console, String... args) {
        CommandLine cli = new CommandLine(new LossCompareCommand(console));
        cli.setOut(new PrintWriter(console.out(), true));
        cli.setErr(new PrintWriter(console.err(), true));
        cli.setParameterExceptionHandler((e, a) -> {
            String sub = e.getCommandLine() == cli ? "" : " " + e.getCommandLine().getCommandName();
            console.err().println("loss_compare: " + e.getMessage() + " (see loss_compare.sh" + sub + " --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Interrupted) return ExitCode.INTERRUPTED;   // the shutdown hook said so and stopped the runs
            if (e instanceof UsageException) {
                console.err().println("loss_compare: " + e.getMessage());
            } else if (fileProblem(e) != null) {
                // A path the checks before the run did not foresee: still one line naming it, never a Java class.
                java.nio.file.FileSystemException fs = fileProblem(e);
                console.err().println("loss_compare: cannot use " + fs.getFile() + ": " + dev.losscompare.core.io.IoMessages.describe(fs)
                        + (fs.getOtherFile() == null ? "" : " (" + fs.getOtherFile() + ")") + "; check that path and its permissions");
            } else {
                console.err().println("loss_compare: internal error: " + e);
                e.printStackTrace(console.err());
            }
            return USAGE;
        });
        Set<String> commands = cli.getSubcommands().keySet();
        String misplaced = optionsBeforeCommand(args, commands);
        if (misplaced != null) {
            console.err().println("loss_compare: " + misplaced);
            return USAGE;
        }
        return cli.execute(withCommand(args, commands));
    }

    /** The file-system failure behind {@code e} (directly or wrapped once), or null. */
    private static java.nio.file.FileSystemException fileProblem(Throwable e) {
        if (e instanceof java.nio.file.FileSystemException fs) return fs;
        if (e.getCause() instanceof java.nio.file.FileSystemException fs) return fs;
        return null;
    }

    /** torchtitan's form, {@code BASELINE TEST [options]}, is the compare command. */
    static String[] withCommand(String[] args, Set<String> commands) {
        if (args.length > 0 && (commands.contains(args[0]) || ROOT_WORDS.contains(args[0]))) return args;
        List<String> all = new ArrayList<>(List.of("compare"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /**
     * Options placed before a command word ({@code --steps=3 gate}) would otherwise be taken for a
     * comparison of a revision named "gate": say what happened instead of guessing.
     */
    static String optionsBeforeCommand(String[] args, Set<String> commands) {
        int i = 0;
        while (i < args.length && args[i].startsWith("-") && !ROOT_WORDS.contains(args[i])) i++;
        if (i == 0 || i == args.length || !commands.contains(args[i]) || args[i].equals("compare")) return null;
        String command = args[i];
        return "option " + args[0] + " before '" + command + "' has no effect there: options go after the command"
                + " (see loss_compare.sh " + command + " --help); to compare a revision named '" + command
                + "', use: loss_compare.sh compare " + command + " ...";
    }
}
