package dev.losscompare.core.sources;

import dev.losscompare.core.text.FlagWords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.tbevents.EventFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each run format read from real files, format detection, rank selection, tag mapping and bad input. */
class RunSourcesTest {
    @TempDir Path dir;

    // torchtitan's colours (torchtitan/tools/utils.py:127-138) around its step line (metrics.py:440-449).
    private static final String RED = "\u001B[31m", GREEN = "\u001B[32m", ORANGE = "\u001B[38;2;180;60;0m",
            TURQUOISE = "\u001B[38;2;54;234;195m", BLUE = "\u001B[34m", CYAN = "\u001B[36m",
            MAGENTA = "\u001B[35m", RESET = "\u001B[39m";

    private static String titanStep(String rank, int step, String loss, String gradNorm) {
        return rank + "[titan] 2025-10-10 10:00:0" + step + ",123 - root - INFO - " + RED + "step: " + String.format("%2d", step)
                + "  " + GREEN + "loss: " + loss + "  " + ORANGE + "grad_norm: " + gradNorm + "  " + TURQUOISE
                + "memory:  1.23GiB(2.10%)  " + BLUE + "tps: 3,104  " + CYAN + "tflops: 0.12  " + MAGENTA + "mfu: 0.01%" + RESET;
    }

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void torchtitanLogWithRankPrefixesAndColours() throws IOException {
        Path log = write("train.log",
                "+ torchrun --nproc_per_node=2 --local-ranks-filter 0,1 --role rank --tee 3 -m torchtitan.train",
                titanStep("[rank0]:", 1, " 8.0385", " 1.3444"),
                titanStep("[rank1]:", 1, " 8.0385", " 1.3444"),
                "[rank0]:[titan] 2025-10-10 10:00:01,200 - root - INFO - " + "\u001B[33mvalidate step:  1  " + GREEN + "loss:  7.9000" + RESET,
                titanStep("[rank1]:", 2, " 7.1234", " 2.5000"),
                titanStep("[rank0]:", 2, " 7.1230", " 2.4999"),
                titanStep("[rank0]:", 10, "   nan", "    inf"));
        SourcedSeries rank0 = RunSources.read(log, SourceOptions.detect(FlagWords.INSTANCE));
        assertEquals(SeriesFormat.TORCHTITAN_LOG, rank0.format());
        assertEquals(List.of(1, 2, 10), rank0.series().steps().stream().map(StepRecord::step).toList());
        assertEquals(8.0385, rank0.series().steps().get(0).value("loss"));
        assertEquals(7.1230, rank0.series().steps().get(1).value("loss"));
        assertEquals(2.4999, rank0.series().steps().get(1).value("grad_norm"));
        assertTrue(rank0.series().steps().get(2).value("loss").isNaN());
        assertEquals(Double.POSITIVE_INFINITY, rank0.series().steps().get(2).value("grad_norm"));
        assertEquals(ValuePrecision.decimals(4), rank0.precision("loss"));
        assertEquals(ValuePrecision.decimals(4), rank0.precision("grad_norm"));
        assertNull(rank0.series().steps().get(0).dataFingerprint());
        // Speed and memory ride along for the performance verdict, without coarsening the loss's precision.
        assertEquals(3104.0, rank0.series().steps().get(0).value("tps"));
        assertEquals(1.23, rank0.series().steps().get(0).value("memory_gib"));
        assertEquals(0.12, rank0.series().steps().get(0).value("tflops"));
        assertEquals(0.01, rank0.series().steps().get(0).value("mfu"));
        assertEquals(4, rank0.decimals());

        SourcedSeries rank1 = RunSources.read(log, new SourceOptions(null, 1, Map.of()));
        assertEquals(List.of(1, 2), rank1.series().steps().stream().map(StepRecord::step).toList());
        assertEquals(7.1234, rank1.series().steps().get(1).value("loss"));

        UnreadableSeriesException noRank = assertThrows(UnreadableSeriesException.class,
                () -> RunSources.read(log, new SourceOptions(SeriesFormat.TORCHTITAN_LOG, 3, Map.of(), FlagWords.INSTANCE)));
        assertTrue(noRank.getMessage().startsWith(log + ": no step lines of rank 3 (ranks with step lines: [0, 1];"
                + " choose one with the rank selector: --rank=N for diff"), noRank.getMessage());
        // Several ranks and no choice: rank 0, and the note names the option that picks another.
        assertEquals("train.log: step lines of ranks [0, 1], so rank 0 is read (choose another with --rank=N)", rank0.note());
    }

    @Test
    void aLogCapturedOnOneRankIsReadAsThatRankAndSaysSo() throws IOException {
        Path log = write("rank4.log", titanStep("[rank4]:", 1, " 8.0385", " 1.3444"), titanStep("[rank4]:", 2, " 7.1230", " 2.4999"));
        SourcedSeries only = RunSources.read(log, SourceOptions.detect());
        assertEquals(List.of(1, 2), only.series().steps().stream().map(StepRecord::step).toList());
        assertEquals("rank4.log: step lines of rank 4 only, so rank 4 is read", only.note());
        assertNull(RunSources.read(log, new SourceOptions(null, 4, Map.of())).note());
    }

    @Test
    void plainLogWithoutPrefixesAndItsPrintedPrecision() throws IOException {
        // The line this project's trainer prints, and a log printed with 2 decimals.
        Path ours = write("ours.log", "model llama3 debugmodel: 5247232 parameters",
                "step: 1  loss: 5.8360  grad_norm: 2.3452  memory: 0.46GiB  tps: 111",
                "step: 2  loss: 5.1000  grad_norm: 2.4249  memory: 0.46GiB  tps: 1,530");
        SourcedSeries s = RunSources.read(ours, SourceOptions.detect());
        assertEquals(List.of(5.836, 5.1), s.series().steps().stream().map(r -> r.value("loss")).toList());
        UnreadableSeriesException rankOnPlain = assertThrows(UnreadableSeriesException.class,
                () -> RunSources.read(ours, new SourceOptions(null, 0, Map.of())));
        assertTrue(rankOnPlain.getMessage().contains("no [rankN]: line prefixes"), rankOnPlain.getMessage());

        Path coarse = write("coarse.log", "step: 1  loss: 5.84  grad_norm: 2.345", "step: 2  loss: 5.10  grad_norm: 2.42");
        SourcedSeries c = RunSources.read(coarse, SourceOptions.detect());
        assertEquals(ValuePrecision.decimals(2), c.precision("loss"));
        assertEquals(ValuePrecision.decimals(2), c.precision("grad_norm"), "the fewest decimals printed");
    }

    @Test
    void logWithARepeatedStepOrNoStepsIsUnreadable() throws IOException {
        Path repeated = write("restart.log", "step: 1  loss: 5.8360  grad_norm: 2.3452",
                "step: 2  loss: 5.1000  grad_norm: 2.4249", "step: 1  loss: 5.8360  grad_norm: 2.3452");
        UnreadableSeriesException e = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(repeated, SourceOptions.detect()));
        assertTrue(e.getMessage().startsWith(repeated + ":3: step 1 again (first at line 1)"), e.getMessage());

        Path prose = write("notes.txt", "nothing here looks like a step line");
        UnreadableSeriesException p = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(prose, SourceOptions.detect()));
        assertTrue(p.getMessage().startsWith(prose + ": not a format the harness reads"), p.getMessage());
        UnreadableSeriesException forced = assertThrows(UnreadableSeriesException.class,
                () -> RunSources.read(prose, new SourceOptions(SeriesFormat.TORCHTITAN_LOG, null, Map.of())));
        assertTrue(forced.getMessage().startsWith(prose + ": no torchtitan step lines"), forced.getMessage());

        Path empty = write("empty.jsonl");
        UnreadableSeriesException em = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(empty, SourceOptions.detect()));
        assertEquals(empty + ": empty file", em.getMessage());
        assertTrue(em.getMessage().lines().count() == 1);
    }

    @Test
    void megatronGoldenValuesCurrentLayout() throws IOException {
        // As in Megatron-LM's tests/functional_tests/test_cases/*/golden_values_*.json.
        Path golden = write("golden_values_dev_dgx_h100.json", """
                {
                    "lm loss": {
                        "start_step": 1,
                        "end_step": 4,
                        "step_interval": 1,
                        "values": {"1": 10.93336, "2": 10.92666, "3": 10.9255, "4": "nan"}
                    },
                    "num-zeros": {"start_step": 1, "end_step": 4, "step_interval": 1,
                                  "values": {"1": 1957.0, "2": 1776.0, "3": 1717.0, "4": 1733.0}},
                    "iteration-time": {"start_step": 1, "end_step": 4, "step_interval": 1,
                                       "values": {"1": "nan", "2": 3.30126, "3": 0.08138, "4": 0.06396}}
                }
                """);
        SourcedSeries s = RunSources.read(golden, SourceOptions.detect());
        assertEquals(SeriesFormat.MEGATRON_GOLDEN, s.format());
        assertEquals(List.of(1, 2, 3, 4), s.series().steps().stream().map(StepRecord::step).toList());
        assertEquals(10.9255, s.series().steps().get(2).value("loss"));
        assertTrue(s.series().steps().get(3).value("loss").isNaN(), "Megatron's \"nan\"");
        assertNull(s.series().steps().get(0).value("grad_norm"), "no grad-norm in this golden file");
        assertEquals(ValuePrecision.decimals(5), s.precision("loss"));

        SourcedSeries mapped = RunSources.read(golden, new SourceOptions(null, null, Map.of("grad_norm", "num-zeros")));
        assertEquals(1776.0, mapped.series().steps().get(1).value("grad_norm"));

        UnreadableSeriesException missing = assertThrows(UnreadableSeriesException.class,
                () -> RunSources.read(golden, new SourceOptions(null, null, Map.of("loss", "lm-loss"))));
        assertTrue(missing.getMessage().startsWith(golden + ": no metric \"lm-loss\" for loss (metrics: lm loss, num-zeros, iteration-time)"),
                missing.getMessage());
    }

    @Test
    void megatronGoldenValuesOlderListLayout() throws IOException {
        // As in Megatron-LM's older tests/functional_tests/test_results/*.json: a [start:end:interval]
        // slice of the TensorBoard list, whose index 0 is iteration 1.
        Path golden = write("gpt3_tp2_pp2_1nodes_50steps.json",
                "{\"lm loss\": {\"start_step\": 0, \"end_step\": 15, \"step_interval\": 5, \"values\": [10.85716, 10.88973, 10.879]},"
                        + " \"iteration_timing_avg\": 0.1141339393939394}");
        SourcedSeries s = RunSources.read(golden, SourceOptions.detect());
        assertEquals(List.of(1, 6, 11), s.series().steps().stream().map(StepRecord::step).toList());
        assertEquals(10.879, s.series().steps().get(2).value("loss"));
    }

    @Test
    void tensorBoardTagsDefaultToTorchtitansAndCanBeMapped() throws IOException {
        Path tb = dir.resolve("tb");
        try (EventFileWriter w = EventFileWriter.create(tb)) {
            w.addFloat32("train/loss", 1, 5.5f);
            w.addFloat32("train/loss", 2, 5.25f);
            w.addFloat32("grad_norm", 1, 2.5f);
            w.addFloat32("grad_norm", 2, 2.75f);
        }
        UnreadableSeriesException e = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(tb, SourceOptions.detect()));
        assertEquals(tb + ": no TensorBoard tag 'loss_metrics/global_avg_loss' for loss (tags: grad_norm, train/loss);"
                + " map one with loss=TAG", e.getMessage());

        SourcedSeries s = RunSources.read(tb, new SourceOptions(null, null, SourceOptions.parseNames(List.of("loss=train/loss"))));
        assertEquals(SeriesFormat.TENSORBOARD, s.format());
        assertEquals(5.25, s.series().steps().get(1).value("loss"));
        assertEquals(2.75, s.series().steps().get(1).value("grad_norm"));
        assertTrue(s.precision("loss").isExact());

        assertThrows(IllegalArgumentException.class, () -> SourceOptions.parseNames(List.of("loss")));
        assertThrows(IllegalArgumentException.class, () -> SeriesFormat.byName("csv"));
    }

    @Test
    void corruptOrTruncatedEventFileIsUnreadableNamingTheFile() throws IOException {
        Path tb = dir.resolve("tb");
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tb)) {
            for (int step = 1; step <= 3; step++) w.addFloat32("loss_metrics/global_avg_loss", step, 5f - step);
            file = w.file();
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        UnreadableSeriesException truncated = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(tb, SourceOptions.detect()));
        assertTrue(truncated.getMessage().startsWith(file + ": truncated record"), truncated.getMessage());

        bytes[bytes.length - 6] ^= 0x40; // inside the last record's data
        Files.write(file, bytes);
        UnreadableSeriesException corrupt = assertThrows(UnreadableSeriesException.class, () -> RunSources.read(file, SourceOptions.detect()));
        assertTrue(corrupt.getMessage().startsWith(file + ": bad data checksum in the record at byte "), corrupt.getMessage());
    }
}
