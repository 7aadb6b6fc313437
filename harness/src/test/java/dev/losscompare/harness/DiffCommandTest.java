package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.judge.ComparisonMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diff of existing runs: torchtitan logs as torchtitan prints them, precision-limited judging, bad input. */
class DiffCommandTest {
    @TempDir
    Path dir;

    private String out = "";

    private int diff(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "diff";
        System.arraycopy(args, 0, all, 1, args.length);
        HarnessRun r = HarnessRun.interleaved(dir, Map.of(), all);
        out = r.out();
        return r.exit();
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

    /**
     * Megatron-LM golden values as its functional tests write them: a slice [0:N:5] of the
     * TensorBoard list (start_step 0, step_interval 5), "lm loss" and "num-zeros".
     */
    private Path golden(String name, String lmLoss, String numZeros) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "{\"lm loss\": {\"start_step\": 0, \"end_step\": 20, \"step_interval\": 5, \"values\": [" + lmLoss + "]},"
                + " \"num-zeros\": {\"start_step\": 0, \"end_step\": 20, \"step_interval\": 5, \"values\": [" + numZeros + "]},"
                + " \"iteration_timing_avg\": 0.1}\n");
        return f;
    }

    /**
     * One rank's log of a context-parallel run as torchtitan prints it (metrics.py:440-449 at
     * 6a3a9da9): the runs before and after the attention-mask refactor fell from ~50,000 to
     * ~31,000 tokens/s and from 1.34 to 0.25 GiB. Step 1 includes the warm-up.
     */
    private Path contextParallelLog(String name, double tps, double gib, long seed) throws Exception {
        java.util.Random jitter = new java.util.Random(seed);
        StringBuilder s = new StringBuilder("+ torchrun --nproc_per_node=8 --local-ranks-filter 4 --role rank --tee 3 -m torchtitan.train\n");
        for (int step = 1; step <= 20; step++) {
            double t = step == 1 ? tps / 8 : tps * (1 + 0.03 * (jitter.nextDouble() - 0.5));
            double tflops = t * 6 * 8e6 / 1e12;
            s.append(String.format(java.util.Locale.ROOT, "[rank4]:[titan] 2025-10-01 12:00:%02d,123 - root - INFO - "
                    + "\u001b[31mstep: %2d  \u001b[32mloss: %7.4f  \u001b[38;2;180;60;0mgrad_norm: %7.4f  "
                    + "\u001b[38;2;54;234;195mmemory: %5.2fGiB(%.2f%%)  \u001b[34mtps: %,d  \u001b[36mtflops: %,.2f  "
                    + "\u001b[35mmfu: %.2f%%\u001b[39m\n", step, step, 8.0 - 0.1 * step, 1.5, gib, gib / 80 * 100,
                    Math.round(t), tflops, tflops / 989 * 100));
        }
        Path f = dir.resolve(name);
        Files.writeString(f, s.toString());
        return f;
    }

    @Test
    void twoMegatronGoldensCompareLmLossAndOnRequestNumZerosAtTheirOwnSteps() throws Exception {
        Path a = golden("a.json", "10.84, 10.52, 10.11, 9.87", "1200, 1180, 1175, 1170");
        Path b = golden("b.json", "10.84, 10.52, 10.11, 9.87", "1200, 1180, 1176, 1170");
        assertEquals(0, diff(a.toString(), b.toString(), "--output-folder=" + dir.resolve("loss")), out.toString());
        assertTrue(out.toString().contains("PASS run: loss equal at 5 decimals over 4 steps"), out.toString());
        // Every 5 iterations stays every 5: steps 1, 6, 11, 16 (values[i] is iteration start_step + i * step_interval + 1).
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("16\\s+9\\.87\\s+9\\.87\\s+0")), out.toString());
        assertFalse(out.toString().lines().anyMatch(l -> l.matches("2\\s+10\\.52.*")), out.toString());

        assertEquals(1, diff(a.toString(), b.toString(), "--metrics=lm loss,num-zeros", "--output-folder=" + dir.resolve("zeros")),
                out.toString());
        assertTrue(out.toString().contains("FAIL run: num-zeros differs from step 11"), out.toString());
        var c = ComparisonJson.read(dir.resolve("zeros/comparison.json"));
        assertEquals(java.util.List.of("lm loss", "num-zeros"), c.metrics());
        assertEquals(11, c.cases().get(0).metrics().get(1).firstDivergentStep());
        assertEquals(dev.losscompare.core.result.Verdict.PASS, c.cases().get(0).metrics().get(0).verdict());

        // A name the golden lacks: one line naming the names it has.
        assertEquals(2, diff(a.toString(), b.toString(), "--metrics=lm loss,mem-allocated-bytes", "--output-folder=" + dir.resolve("no")));
        assertTrue(out.toString().contains("no metric 'mem-allocated-bytes' in the baseline series (it has: lm loss, loss, num-zeros)"),
                out.toString());
    }

    @Test
    void twoTorchtitanLogsWithSpeedAndMemoryPrintTheirChangeBesideTheLossVerdict() throws Exception {
        Path before = contextParallelLog("before.log", 50_000, 1.34, 1);
        Path after = contextParallelLog("after.log", 31_000, 0.25, 2);
        assertEquals(0, diff(before.toString(), after.toString(), "--rank=4", "--output-folder=" + dir.resolve("warn")), out.toString());
        String text = out.toString();
        assertTrue(text.contains("PASS run: loss, grad_norm equal at 4 decimals over 20 steps"), text);
        assertTrue(text.contains("performance warning run: throughput -3"), text);
        assertTrue(text.contains("memory -81.3% (1.34 GiB -> 0.25 GiB"), text);
        assertTrue(text.contains("noise measured step to step, one run per side; median of steps 4-20 (warm-up 3)"), text);
        var warned = ComparisonJson.read(dir.resolve("warn/comparison.json"));
        assertEquals(dev.losscompare.core.perf.PerfStatus.WARNING, warned.cases().get(0).performance().status());
        assertEquals(0, warned.exitCode());

        assertEquals(1, diff(before.toString(), after.toString(), "--rank=4", "--max-slowdown=10%",
                "--output-folder=" + dir.resolve("fail")), out.toString());
        assertTrue(out.toString().contains("performance FAIL run: throughput -3"), out.toString());
        assertTrue(out.toString().contains("beyond --max-slowdown=10%"), out.toString());
        var failed = ComparisonJson.read(dir.resolve("fail/comparison.json"));
        assertEquals(dev.losscompare.core.result.Verdict.PASS, failed.cases().get(0).verdict(), "the numbers pass");
        assertEquals("FAIL (performance)", failed.overallText());
        String junit = Files.readString(dir.resolve("fail/junit.xml"));
        assertTrue(junit.contains("type=\"PerformanceRegression\""), junit);
        assertFalse(junit.contains("LossDivergence"), junit);
        assertTrue(Files.readString(dir.resolve("fail/summary.md")).contains("| ❌ FAIL -3"), "summary.md's performance column");
        assertTrue(Files.readString(dir.resolve("fail/report.html")).contains("figure class=\"chart perf-curves\""));

        assertEquals(2, diff(before.toString(), after.toString(), "--rank=4", "--max-slowdown=ten"));
        assertTrue(out.toString().contains("--max-slowdown='ten' is not a percentage"), out.toString());
    }

    @Test
    void twoMegatronGoldensReportTheIterationTimeChange() throws Exception {
        Path a = megatronGolden("golden_values_main.json", 1.52);
        Path b = megatronGolden("golden_values_branch.json", 1.21);
        assertEquals(0, diff(a.toString(), b.toString(), "--output-folder=" + dir.resolve("mg")), out.toString());
        assertTrue(out.toString().contains("performance warning run: step time -20.4% (1,520.0 ms -> 1,210.0 ms"), out.toString());
    }

    /** As Megatron-LM's functional tests record them: lm loss, iteration-time (seconds; step 1 not logged), memory. */
    private Path megatronGolden(String name, double seconds) throws Exception {
        StringBuilder loss = new StringBuilder(), time = new StringBuilder(), max = new StringBuilder();
        for (int step = 1; step <= 8; step++) {
            String sep = step == 1 ? "" : ", ";
            loss.append(sep).append(String.format(java.util.Locale.ROOT, "\"%d\": %.5f", step, 10.8 - step * 0.05));
            time.append(sep).append(step == 1 ? "\"1\": \"nan\"" : String.format(java.util.Locale.ROOT, "\"%d\": %.5f", step, seconds));
            max.append(sep).append(String.format(java.util.Locale.ROOT, "\"%d\": %d", step, 30_123_456_789L));
        }
        String block = "{\"start_step\": 1, \"end_step\": 8, \"step_interval\": 1, \"values\": {";
        Path f = dir.resolve(name);
        Files.writeString(f, "{\"lm loss\": " + block + loss + "}}, \"iteration-time\": " + block + time
                + "}}, \"mem-max-allocated-bytes\": " + block + max + "}}}\n");
        return f;
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
