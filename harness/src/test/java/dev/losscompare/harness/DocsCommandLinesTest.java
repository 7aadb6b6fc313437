package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losscompare.harness.cli.LossCompareCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every loss_compare command line shown in README.md and docs/*.md parses with the options it
 * shows (picocli, as Main reads it: the compare command implied, no option before the command),
 * so the docs cannot drift from the code. Lines that show syntax rather than a command (a
 * placeholder such as BASELINE, FILE, {@code <case>} or "...") are not commands and are left out;
 * {@link DocCommands} gives the tests that run the tour its exact lines.
 */
class DocsCommandLinesTest {
    /**
     * Words that stand for something else: an ALL-CAPS name other than git's HEAD (BASELINE, FILE,
     * GOOD), {@code <...>}, "...", "…", a choice {@code a|b} and an optional {@code [...]}.
     */
    private static final Pattern PLACEHOLDER =
            Pattern.compile("(^|[=,])(?!HEAD(~\\d+)?($|,))[A-Z][A-Z_0-9]*($|,)|<[^>]*>|\\.\\.\\.|\u2026|\\||^\\[.*\\]$");

    @Test
    void everyCommandLineInTheDocsParses() throws Exception {
        List<DocCommands.Line> lines = DocCommands.all();
        int parsed = 0;
        List<String> failures = new ArrayList<>();
        for (DocCommands.Line line : lines) {
            if (line.words().stream().anyMatch(w -> PLACEHOLDER.matcher(w).find())) {
                System.out.println("syntax, not a command: " + line.where() + ": " + line.text());
                continue;
            }
            String problem = parseProblem(line.words());
            if (problem != null) failures.add(line.where() + ": " + line.text() + "\n    " + problem);
            parsed++;
        }
        if (!failures.isEmpty()) fail(failures.size() + " command lines in the docs do not parse:\n" + String.join("\n", failures));
        // The docs show dozens of commands: a pattern that stopped finding them must not pass quietly.
        assertTrue(parsed >= 30, "only " + parsed + " command lines found and parsed in " + lines.size() + " candidates");
    }

    @Test
    void aLineWithAnOptionTheCommandDoesNotHaveIsCaught() {
        assertTrue(parseProblem(List.of("HEAD~1", "HEAD", "--no-such-option")).contains("--no-such-option"));
        assertTrue(parseProblem(List.of("--steps=3", "gate")).contains("options go after the command"));
        assertNull(parseProblem(List.of("gate", "--suite=configs/signoff.toml")));
    }

    @Test
    void theLinesAreFoundAsAReaderSeesThem() {
        DocCommands.Line joined = DocCommands.parse("X", "```\n$ ./loss_compare.sh HEAD~1 HEAD --steps=3 \\\n"
                + "    --train-options=\"--a=1 --b=2\"   # the comment\n```\n").get(0);
        assertEquals(List.of("HEAD~1", "HEAD", "--steps=3", "--train-options=--a=1 --b=2"), joined.words());
        assertEquals(0, DocCommands.parse("X", "./loss_compare.sh HEAD~1 HEAD outside a code block\n").size());
    }

    /** The tour's gate is the one .ci/run runs after the tests: CI runs it as README shows it. */
    @Test
    void theToursGateIsTheOneCiRuns() throws Exception {
        String gate = "./loss_compare.sh " + String.join(" ", DocCommands.readme("gate --suite="));
        assertTrue(Files.readAllLines(ProjectFiles.root().resolve(".ci/run")).contains(gate), ".ci/run runs: " + gate);
    }

    /** Null when the words parse as Main parses them, else why not. */
    static String parseProblem(List<String> words) {
        String[] args = words.toArray(String[]::new);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        CommandLine cli = new CommandLine(new LossCompareCommand(new Console(Path.of("."), Map.of(), quiet, quiet, false)));
        Set<String> commands = cli.getSubcommands().keySet();
        String misplaced = Main.optionsBeforeCommand(args, commands);
        if (misplaced != null) return misplaced;
        try {
            cli.parseArgs(Main.withCommand(args, commands));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }
}
