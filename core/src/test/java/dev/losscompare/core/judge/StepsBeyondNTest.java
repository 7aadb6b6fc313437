package dev.losscompare.core.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.PatternLogSource;
import dev.losscompare.core.sources.SourcedSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs as trainers write them, read with a log pattern and judged on the N steps asked for: a
 * loop that logs iterations 0..N inclusive, a final step logged twice, a gap or a repeat inside
 * 1..N, and a log counting from 0 read with step_offset 0.
 */
class StepsBeyondNTest {
    private static final Pattern NANOGPT = Pattern.compile("iter (?<step>\\d+): loss (?<loss>[0-9.]+)");
    private static final CaseId ID = new CaseId("tiny", "tiny", "", null);

    @TempDir
    Path tmp;

    private SourcedSeries log(String name, int offset, String... lines) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return PatternLogSource.read(f, NANOGPT, offset);
    }

    private static Judgement judge(SourcedSeries b, SourcedSeries t, int steps) {
        return CaseJudge.judge(ID, new SideResult(CaseJudge.notRun("baseline"), b.series(), b.decimals()),
                new SideResult(CaseJudge.notRun("test"), t.series(), t.decimals()), List.of("loss"),
                CaseMode.requested(ComparisonMode.bitwise()), steps, steps);
    }

    /** iter 0 .. iter 5 with max_iters = 5: six lines, steps 1..6 with offset 1; judged on 1..5. */
    private static String[] zeroToFive(String lossAt3) {
        return new String[] {"iter 0: loss 4.1589, time 10.00ms", "iter 1: loss 4.1000", "iter 2: loss 4.0500", "iter 3: loss " + lossAt3,
                "iter 4: loss 3.9000", "iter 5: loss 3.8000"};
    }

    @Test
    void aZeroBasedLoopThatLogsItsLastIterationIsJudgedOnOneToN() throws Exception {
        Judgement j = judge(log("a", 1, zeroToFive("4.0000")), log("b", 1, zeroToFive("4.0000")), 5);
        assertEquals(Verdict.PASS, j.result().verdict(), j.verdictLine());
        assertTrue(j.verdictLine().startsWith("PASS tiny: loss equal at 4 decimals over 5 steps; steps after 5 not compared"
                + " (each side logged 1 more)"), j.verdictLine());
        assertEquals("steps after 5 not compared (each side logged 1 more)", j.result().note());
        // --steps=4 asks for 1..4: steps 5 and 6 are after it.
        Judgement four = judge(log("c", 1, zeroToFive("4.0000")), log("d", 1, zeroToFive("4.0000")), 4);
        assertEquals(Verdict.PASS, four.result().verdict(), four.verdictLine());
        assertTrue(four.verdictLine().contains("over 4 steps; steps after 4 not compared (each side logged 2 more)"), four.verdictLine());
    }

    @Test
    void aDifferenceInsideOneToNStillFails() throws Exception {
        Judgement j = judge(log("a", 1, zeroToFive("4.0000")), log("b", 1, zeroToFive("4.0001")), 5);
        assertEquals(Verdict.FAIL, j.result().verdict(), j.verdictLine());
        assertEquals(4, j.result().metrics().get(0).firstDivergentStep());
    }

    @Test
    void aFinalStepLoggedTwiceIsNotCompared() throws Exception {
        String[] twice = {"iter 0: loss 4.1", "iter 1: loss 4.0", "iter 2: loss 3.9", "iter 2: loss 3.9"};
        Judgement j = judge(log("a", 1, twice), log("b", 1, twice), 2);
        assertEquals(Verdict.PASS, j.result().verdict(), j.verdictLine());
        assertTrue(j.verdictLine().contains("steps after 2 not compared (each side logged 2 more)"), j.verdictLine());
    }

    @Test
    void aRepeatedOrMissingStepInsideOneToNStaysAnError() throws Exception {
        String[] repeated = {"iter 0: loss 4.1", "iter 1: loss 4.0", "iter 1: loss 4.0", "iter 2: loss 3.9"};
        Judgement r = judge(log("a", 1, repeated), log("b", 1, repeated), 3);
        assertEquals(Verdict.ERROR, r.result().verdict(), r.verdictLine());
        assertEquals("ERROR tiny: both series have step 2 twice, expected steps 1..3", r.verdictLine());
        String[] gap = {"iter 0: loss 4.1", "iter 2: loss 3.9", "iter 3: loss 3.8"};
        Judgement g = judge(log("c", 1, gap), log("d", 1, gap), 3);
        assertEquals(Verdict.ERROR, g.result().verdict(), g.verdictLine());
        assertEquals("ERROR tiny: both series have step 2 missing, expected steps 1..3; steps after 3 not compared (each side logged 1 more)",
                g.verdictLine());
    }

    @Test
    void aLogCountingFromZeroReadWithOffsetZeroIsAnErrorNamingTheOffset() {
        UnreadableSeriesException e = assertThrows(UnreadableSeriesException.class, () -> log("a", 0, zeroToFive("4.0")));
        assertTrue(e.getMessage().endsWith(":1: printed step 0 with step_offset 0 is step 0, but steps count from 1;"
                + " a trainer that counts from 0 needs step_offset = 1"), e.getMessage());
    }
}
