package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.core.sources.ValuePrecision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real trainer (trainer/run_train.sh, tiny shapes) writes its metrics file, TensorBoard event
 * files and its log; read back as three sources they agree: TensorBoard bit for bit with the
 * metrics file, the log at the 4 decimals it prints.
 */
class TrainerOutputsTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent(); // surefire runs in harness/

    @TempDir Path dir;

    @Test
    void tensorBoardEqualsJsonlBitForBitAndTheLogAtFourDecimals() throws Exception {
        Path jsonl = dir.resolve("metrics.jsonl"), tb = dir.resolve("tb"), log = dir.resolve("train.log");
        train(3, jsonl, tb, log);

        SourcedSeries exact = RunSources.read(jsonl, SourceOptions.detect());
        SourcedSeries events = RunSources.read(tb, SourceOptions.detect());
        SourcedSeries text = RunSources.read(log, SourceOptions.detect());
        assertEquals(SeriesFormat.JSONL, exact.format());
        assertEquals(SeriesFormat.TENSORBOARD, events.format());
        assertEquals(SeriesFormat.TORCHTITAN_LOG, text.format());
        assertEquals(List.of(1, 2, 3), steps(exact));
        assertEquals(steps(exact), steps(events));
        assertEquals(steps(exact), steps(text));
        for (String metric : List.of("loss", "grad_norm", "lr")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Double.doubleToRawLongBits(exact.series().steps().get(i).value(metric)),
                        Double.doubleToRawLongBits(events.series().steps().get(i).value(metric)), metric + " step " + (i + 1));
            }
        }
        for (String metric : List.of("loss", "grad_norm")) {
            assertEquals(ValuePrecision.decimals(4), text.precision(metric));
            for (int i = 0; i < 3; i++) {
                double printed = text.series().steps().get(i).value(metric);
                double value = exact.series().steps().get(i).value(metric);
                assertTrue(Math.abs(printed - value) <= 0.5e-4 + 1e-12, metric + ": " + printed + " vs " + value);
            }
        }
    }

    /** The diff command over the same three outputs: exact where both sides are exact, at 4 decimals against the log. */
    @Test
    void diffJudgesTheTrainersOwnOutputsAsEqual() throws Exception {
        Path jsonl = dir.resolve("metrics.jsonl"), tb = dir.resolve("tb"), log = dir.resolve("train.log");
        train(2, jsonl, tb, log);

        HarnessRun exact = HarnessRun.interleaved(dir, java.util.Map.of(), "diff", jsonl.toString(), tb.toString(),
                "--output-folder=" + dir.resolve("exact"));
        assertEquals(0, exact.exit(), exact.out());
        assertTrue(exact.out().contains("PASS llama3 debugmodel: loss, grad_norm identical over 2 steps\n"), exact.out());
        HarnessRun text = HarnessRun.interleaved(dir, java.util.Map.of(), "diff", log.toString(), jsonl.toString(),
                "--output-folder=" + dir.resolve("text"));
        assertEquals(0, text.exit(), text.out());
        assertTrue(text.out().contains("loss, grad_norm equal at 4 decimals over 2 steps [at 4 decimals: a side was read from text"
                + " printed with 4 decimals: bitwise is not possible from logs"), text.out());
    }

    /** The real trainer at tiny shapes, writing its metrics file, TensorBoard folder and log. */
    private static void train(int steps, Path jsonl, Path tb, Path log) throws Exception {
        Process p = new ProcessBuilder(PROJECT.resolve("trainer/run_train.sh").toString(),
                "--config=configs/llama3_debug.toml", "--training.steps=" + steps, "--training.seq_len=32",
                "--training.local_batch_size=1", "--metrics.path=" + jsonl,
                "--metrics.enable_tensorboard", "--metrics.save_tb_folder=" + tb)
                .directory(PROJECT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "trainer timed out");
        assertEquals(0, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<Integer> steps(SourcedSeries s) {
        return s.series().steps().stream().map(StepRecord::step).toList();
    }
}
