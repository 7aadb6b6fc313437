package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.judge.ComparisonMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diff of existing runs: torchtitan logs as torchtitan prints them, precision-limited judging, bad input. */
class DiffCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int diff(String... args) {
        out.reset();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        String[] all = new String[args.length + 1];
        all[0] = "diff";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.execute(new Console(dir, Map.of(), ps, ps, false), all);
    }

    /** Two ranks' lines as torchtitan's run_train.sh (torchrun --tee 3) prints them, with its colour codes. */
    private Path torchtitanLog(String name, double... losses) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int rank = 0; rank < 2; rank++) {
            for (int k = 0; k < losses.length; k++) {
                s.append(String.format(java.util.Locale.ROOT, "[rank%d]:[titan] 2025-10-01 12:00:0%d,123 - root - INFO - "
                        + "\u001b[31mstep: %2d  \u001b[32mloss: %7.4f  \u001b[38;2;180;60;0mgrad_norm: %7.4f  "
                        + "\u001b[38;2;54;234;195mmemory:  1.23GiB(1.56%%)  \u001b[34mtps: 3,104  \u001b[36mtflops: 0.12  "
                        + "\u001b[35mmfu: 0.01%%\u001b[39m\n", rank, k, k + 1, losses[k] + rank, 1.5 + k * 0.01));
            }
        }
        Path f = dir.resolve(name);
        Files.writeString(f, s.toString());
        return f;
    }

    @Test
    void twoTorchtitanLogsAreComparedAtTheirPrintedPrecision() throws Exception {
        Path a = torchtitanLog("a.log", 8.03851, 7.5, 7.0);
        Path b = torchtitanLog("b.log", 8.03849, 7.5, 7.0);   // prints 8.0385 too: equal at 4 decimals
        assertEquals(0, diff(a.toString(), b.toString(), "--output-folder=" + dir.resolve("same")), out.toString());
        assertTrue(out.toString().contains("equal at 4 decimals over 3 steps"), out.toString());
        var c = ComparisonJson.read(dir.resolve("same/comparison.json"));
        assertEquals("at 4 decimals", c.modeUsed());
        assertEquals(dev.losscompare.core.result.ComparisonKind.DIFF, c.kind());

        Path moved = torchtitanLog("c.log", 8.0386, 7.5, 7.0);
        assertEquals(1, diff(a.toString(), moved.toString(), "--output-folder=" + dir.resolve("moved")), out.toString());
        assertTrue(out.toString().contains("FAIL run: loss differs from step 1"), out.toString());
        assertTrue(out.toString().contains("bitwise is not possible from logs; use TensorBoard or JSONL for exact values"), out.toString());

        // Rank 0 is read by default; rank 1's lines are offset by +1 in this fixture.
        Path exact = dir.resolve("rank0.jsonl");
        Files.writeString(exact, "{\"step\":1,\"loss\":8.03851,\"grad_norm\":1.5}\n{\"step\":2,\"loss\":7.5,\"grad_norm\":1.51}\n"
                + "{\"step\":3,\"loss\":7.0,\"grad_norm\":1.52}\n");
        assertEquals(0, diff(a.toString(), exact.toString(), "--output-folder=" + dir.resolve("rank0")), out.toString());
        assertEquals(1, diff(a.toString(), exact.toString(), "--rank=1", "--output-folder=" + dir.resolve("rank1")), out.toString());
    }

    @Test
    void unreadableAndTruncatedInputsAreOneLineErrorsNamingTheFile() throws Exception {
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, "{\"step\":1,\"loss\":2.5,\"grad_norm\":1.0}\n{\"step\":2,\"loss\":2.4,\"grad_norm\":1.0}\n");
        Path cut = dir.resolve("cut.jsonl");
        Files.writeString(cut, "{\"step\":1,\"loss\":2.5,\"grad_norm\":1.0}\n{\"step\":2,\"lo");
        assertEquals(2, diff(good.toString(), cut.toString()));
        assertTrue(out.toString().contains(cut + ":2"), out.toString());
        assertFalse(Files.exists(dir.resolve("loss_compare")), "no output folder for unreadable input");
        assertEquals(2, diff(good.toString(), dir.resolve("missing").toString()));
        assertTrue(out.toString().contains(dir.resolve("missing") + ": no such file or folder"), out.toString());
        assertEquals(2, diff(good.toString(), good.toString(), "--format=parquet"));
        assertTrue(out.toString().contains("unknown series format 'parquet'"), out.toString());
    }

    @Test
    void decimalsModeRoundsTheExactValueHalfEven() {
        ComparisonMode four = ComparisonMode.atDecimals(4);
        assertTrue(four.matches(8.03849, 8.0385));
        assertTrue(four.matches(8.03851, 8.0385));
        assertFalse(four.matches(8.03856, 8.0385));
        assertFalse(four.matches(Double.NaN, Double.NaN));
        assertEquals("at 4 decimals", four.describe());
    }
}
