package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losscompare.harness.cli.LossCompareCommand;
import dev.losscompare.harness.run.ShellWords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    /** The loss_compare command lines of README.md and docs/*.md, as a reader would type them. */
    static final class DocCommands {
        private static final Pattern COMMAND = Pattern.compile("^(?:\\$ )?(?:\\./loss_compare\\.sh|\\S*bin/loss_compare)(?: |$)");
        /** A command in running text: {@code `./loss_compare.sh gate --update`}. */
        private static final Pattern INLINE = Pattern.compile("`(\\./loss_compare\\.sh(?: [^`]*)?)`");

        record Line(String where, String text, List<String> words) {}

        private DocCommands() {}

        static List<Line> all() throws Exception {
            List<Path> files = new ArrayList<>(List.of(ProjectFiles.root().resolve("README.md")));
            try (Stream<Path> docs = Files.list(ProjectFiles.root().resolve("docs"))) {
                docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
            List<Line> out = new ArrayList<>();
            for (Path f : files) out.addAll(parse(ProjectFiles.root().relativize(f).toString(), Files.readString(f)));
            return out;
        }

        /** The first command line in README.md or docs that starts with {@code prefix} (after "./loss_compare.sh "). */
        static List<String> first(String prefix) throws Exception {
            return all().stream().filter(l -> String.join(" ", l.words()).startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no command line in the docs starts with " + prefix)).words();
        }

        /** The line up to a shell comment: a # after a blank, outside quotes (a comment may hold an apostrophe). */
        static String withoutComment(String line) {
            char quote = 0;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote != 0) {
                    if (c == quote) quote = 0;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                    return line.substring(0, i);
                }
            }
            return line;
        }

        /** Command lines inside fenced code blocks: a trailing backslash continues a line; a comment ends it. */
        static List<Line> parse(String where, String markdown) {
            List<Line> out = new ArrayList<>();
            boolean fenced = false;
            StringBuilder pending = null;
            int number = 0, start = 0;
            for (String raw : markdown.split("\n", -1)) {
                number++;
                if (raw.startsWith("```")) {
                    fenced = !fenced;
                    pending = null;
                    continue;
                }
                if (!fenced) {
                    Matcher inline = INLINE.matcher(raw);
                    while (inline.find()) out.add(line(where + ":" + number, inline.group(1)));
                    continue;
                }
                String line = raw.strip();
                if (pending == null) {
                    if (!COMMAND.matcher(line).find()) continue;
                    pending = new StringBuilder();
                    start = number;
                }
                boolean continues = line.endsWith("\\");
                pending.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
                if (continues) continue;
                out.add(line(where + ":" + start, pending.toString().strip()));
                pending = null;
            }
            return out;
        }

        private static Line line(String where, String text) {
            List<String> words = new ArrayList<>(ShellWords.split(withoutComment(text.replaceFirst("^\\$ ", "")), "docs"));
            words.remove(0);   // the program
            int end = words.indexOf(words.stream().filter(w -> w.equals("&&") || w.equals("|") || w.equals(">")).findFirst().orElse(null));
            if (end >= 0) words = new ArrayList<>(words.subList(0, end));
            return new Line(where, text, List.copyOf(words));
        }
    }
}
