package dev.losscompare.harness;

import dev.losscompare.harness.run.ShellWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The loss_compare command lines of README.md and docs/*.md, as a reader would type them. */
final class DocCommands {
    private static final Pattern COMMAND = Pattern.compile("^(?:\\$ )?(?:\\./loss_compare\\.sh|\\S*bin/loss_compare)(?: |$)");
    /** A command in running text: {@code `./loss_compare.sh gate --update`}. */
    private static final Pattern INLINE = Pattern.compile("`(\\./loss_compare\\.sh(?: [^`]*)?)`");

    private static final java.util.Set<String> SHELL_OPERATORS = java.util.Set.of("&&", "|", ">");

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

    /**
     * The words of README's command line that starts with {@code prefix} (the words after the
     * program): the tour shows what an end-to-end test runs, so the two cannot drift apart.
     */
    static String[] readme(String prefix) throws Exception {
        Path readme = ProjectFiles.root().resolve("README.md");
        return parse("README.md", Files.readString(readme)).stream().map(Line::words)
                .filter(w -> String.join(" ", w).startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("README shows no command line starting with: " + prefix))
                .toArray(String[]::new);
    }

    /** {@code words} with {@code word} replaced by {@code by} (null: left out); the word must be there. */
    static String[] replacing(String[] words, String word, String by) {
        List<String> out = new ArrayList<>(List.of(words));
        int at = out.indexOf(word);
        if (at < 0) throw new AssertionError(word + " is not in: " + String.join(" ", words));
        if (by == null) out.remove(at);
        else out.set(at, by);
        return out.toArray(String[]::new);
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
        List<String> command = new ArrayList<>();
        for (String w : words) {
            if (SHELL_OPERATORS.contains(w)) break;   // what follows is another command
            command.add(w);
        }
        return new Line(where, text, List.copyOf(command));
    }
}
