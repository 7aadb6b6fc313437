package dev.losscompare.core.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event files written by PyTorch's own torch.utils.tensorboard.SummaryWriter, in its three
 * scalar forms: add_scalar's default (simple_value), new_style=True (float_val tensor) and
 * new_style=True, double_precision=True (double_val tensor).
 *
 * <p>Needs Python's tensorboard package, which torch.utils.tensorboard imports: Debian packages
 * python3-torch but not tensorboard, so where it is missing this test is skipped (it says so).
 */
class PyTorchSummaryWriterTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String WRITER = String.join("\n",
            "import sys",
            "from torch.utils.tensorboard import SummaryWriter",
            "w = SummaryWriter(sys.argv[1])",
            "for step in (1, 2, 3):",
            "    w.add_scalar('loss_metrics/global_avg_loss', 1.0 / (3 * step), step)",
            "    w.add_scalar('grad_norm', 0.1 * step, step, new_style=True)",
            "    w.add_scalar('lr', 1.0 / (7 * step), step, new_style=True, double_precision=True)",
            "w.close()");

    @TempDir Path dir;

    @Test
    void readsAllThreeScalarForms() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing");
        Process probe = new ProcessBuilder(PYTHON, "-c", "import torch.utils.tensorboard").redirectErrorStream(true).start();
        String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(probe.waitFor(2, TimeUnit.MINUTES) && probe.exitValue() == 0,
                "torch.utils.tensorboard does not import here: " + why.lines().reduce((a, b) -> b).orElse(""));

        Path tb = dir.resolve("tb");
        Process p = new ProcessBuilder(PYTHON, "-c", WRITER, tb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);

        SourcedSeries s = RunSources.read(tb, new SourceOptions(null, null, Map.of()));
        for (int step = 1; step <= 3; step++) {
            var row = s.series().steps().get(step - 1);
            assertEquals(step, row.step());
            assertEquals((double) (float) (1.0 / (3 * step)), row.value("loss"), "simple_value is float32");
            assertEquals((double) (float) (0.1 * step), row.value("grad_norm"), "float_val is float32");
            assertEquals(1.0 / (7 * step), row.value("lr"), "double_val keeps the double");
        }
    }
}
