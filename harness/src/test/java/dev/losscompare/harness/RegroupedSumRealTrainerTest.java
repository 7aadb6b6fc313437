package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20's refactor that regroups a float sum: RMSNorm written out with the mean of squares as
 * two half sums, then divided by n. The math is the same, the bits are not: bitwise, deepseek_v3
 * differs from step 1 (its loss and grad-norm move by an ulp); against the committed envelope it
 * is within noise at the case's measured margin, and says what it could have missed. Shares
 * NumericChangesRealTrainerTest's cache, so main's build and runs are reused.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RegroupedSumRealTrainerTest extends ClonedProjectTest {
    private static final String CASE = "deepseek_v3";

    @Override
    String cacheName() {
        return "numeric-changes-cache";
    }

    @Test
    void rmsNormWithTheSquaresSummedInTwoHalvesDiffersBitwiseAndIsWithinNoise() throws Exception {
        ProjectFiles.branch(git, "rmsnorm-two-halves");
        ProjectFiles.edit(repoDir, NumericChangesRealTrainerTest.OPS, NumericChangesRealTrainerTest.TORCH_RMS_NORM,
                "// x * rsqrt(mean(x^2) + eps) * weight, the squares summed in two halves of the last dimension\n"
                        + "        long n = x.size(-1), half = n / 2;\n"
                        + "        Tensor sumOfSquares = x.narrow(-1, 0, half).square().sum(new long[] {-1}, true, new ScalarTypeOptional())\n"
                        + "                .add(x.narrow(-1, half, n - half).square().sum(new long[] {-1}, true, new ScalarTypeOptional()));\n"
                        + "        return x.mul(torch.rsqrt(sumOfSquares.div(scalar(n)).add(scalar(eps)))).mul(weight);");
        ProjectFiles.commit(git, "RMSNorm written out: the mean of squares as two half sums");

        HarnessRun bitwise = run("bitwise", NumericChangesRealTrainerTest.args("HEAD", "--cases=" + CASE));
        assertEquals(1, bitwise.exit(), "the regrouping must move the bits\n" + bitwise);
        String line = bitwise.line("FAIL " + CASE + " (");
        assertTrue(line.contains("loss differs from step 1 (max rel diff "), line);
        assertTrue(line.contains("grad_norm differs from step 1 (max rel diff "), line);
        assertTrue(bitwise.only().mode().isBitwise(), bitwise.toString());

        HarnessRun noise = run("noise", NumericChangesRealTrainerTest.args("HEAD", "--cases=" + CASE, "--noise=configs/noise"));
        assertEquals(0, noise.exit(), noise.toString());
        String within = noise.line("PASS " + CASE + " (");
        assertTrue(within.matches(".*: loss, grad_norm within noise \\([0-9.]+\u00d7 the measured noise\\) over 3 steps.*"), within);
        CaseResult c = noise.only();
        assertEquals(Verdict.PASS, c.verdict());
        assertTrue(c.mode().isNoise(), noise.toString());
        for (MetricResult m : c.metrics()) {
            assertTrue(m.maxAbsDiff() > 0, m.metric() + " moved");
            assertTrue(m.noiseMultiple() <= 3, m.metric() + ": " + m.noiseMultiple());
            // what the PASS could have missed: the case's margin times the band at step 3, in the metric's units
            assertEquals(c.mode().noise().margin() * c.mode().noise().band(m.metric(), 3), m.undetectable().below(), m.metric());
        }
        assertTrue(within.contains(" over 3 steps; " + c.undetectableText() + " [within noise (" + c.mode().noise().marginText()), within);
        assertTrue(c.mode().noise().marginText().contains(" held-out runs ("), "the committed envelope's margin is measured\n" + within);
    }
}
