package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.losscompare.harness.run.ShellWords;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Option strings split as bash would split them, with nothing expanded. */
class ShellWordsTest {
    private static List<String> split(String s) {
        return ShellWords.split(s, "--train-options");
    }

    @Test
    void blanksSeparateWords() {
        assertEquals(List.of("--training.seq_len=64", "--training.local_batch_size=2"),
                split("  --training.seq_len=64 \t --training.local_batch_size=2\n"));
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split(null));
    }

    @Test
    void quotesKeepBlanksAndJoinAdjacentParts() {
        assertEquals(List.of("--job.description=two words"), split("--job.description='two words'"));
        assertEquals(List.of("--a=x y"), split("--a=\"x y\""));
        assertEquals(List.of("ab c'd"), split("a'b c'\"'d\""));
        assertEquals(List.of(""), split("''"));
    }

    @Test
    void backslashesEscapeLikeTheShell() {
        assertEquals(List.of("a b"), split("a\\ b"));
        assertEquals(List.of("say \"hi\" \\ $x"), split("\"say \\\"hi\\\" \\\\ \\$x\""));
        assertEquals(List.of("\\n"), split("'\\n'"));           // literal inside single quotes
        assertEquals(List.of("a\\b"), split("\"a\\b\""));        // \b is not special inside "..."
        assertEquals(List.of("ab"), split("a\\\nb"));            // line continuation
    }

    @Test
    void nothingIsExpandedOrExecuted() {
        assertEquals(List.of("$HOME", "`id`", "$(rm", "-rf", "x)", ";", "*"), split("$HOME `id` $(rm -rf x) ; *"));
    }

    @Test
    void unterminatedQuotesAreUsageErrors() {
        UsageException e = assertThrows(UsageException.class, () -> split("--a='oops"));
        assertEquals("--train-options: unterminated ' quote in: --a='oops", e.getMessage());
        assertThrows(UsageException.class, () -> split("--a=\"oops"));
        assertThrows(UsageException.class, () -> split("oops\\"));
    }
}
