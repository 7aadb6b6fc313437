package dev.losscompare.harness.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An envelope measures its own environment's noise: a baseline that ran elsewhere is a case note naming the facts. */
class CalibratedElsewhereTest {
    private static final Map<String, String> ENVELOPE = Map.of("torch_version", "2.7.1", "device", "cpu", "cpu_capability", "AVX512",
            "blas_core", "SkylakeX", "kernels", "native", "threads", "1");

    private static SideResult baselineRan(Map<String, Object> meta) {
        return new SideResult(new RunInfo("baseline", List.of(), "b.jsonl", "b.log", 1.0, 0, null, false, meta),
                new RunSeries(meta, List.of()));
    }

    @Test
    void theFactsThatDifferAreNamed() {
        SideResult upgraded = baselineRan(Map.of("torch_version", "2.10.0", "device", "cpu", "cpu_capability", "AVX512", "blas_core", "Haswell"));
        assertEquals("the noise envelope was calibrated in another environment than the baseline ran in (torch_version 2.7.1 vs 2.10.0,"
                + " blas_core SkylakeX vs Haswell): calibrate in the baseline's (calibrate --baseline-env=NAME)",
                CaseJudging.calibratedElsewhere(ENVELOPE, upgraded));
    }

    @Test
    void theSameEnvironmentOrFactsNotStatedSayNothing() {
        assertNull(CaseJudging.calibratedElsewhere(ENVELOPE, baselineRan(Map.of("torch_version", "2.7.1", "blas_core", "SkylakeX"))));
        assertNull(CaseJudging.calibratedElsewhere(ENVELOPE, baselineRan(Map.of())), "a trainer without meta (a log) states nothing");
        assertNull(CaseJudging.calibratedElsewhere(Map.of(), baselineRan(Map.of("torch_version", "2.10.0"))), "an envelope without its environment");
    }
}
