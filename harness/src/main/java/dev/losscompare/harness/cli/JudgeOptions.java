package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.JudgingVerb;
import java.util.List;
import picocli.CommandLine.Option;

/** How the judge compares: bitwise (the default) or within atol/rtol, and which metrics. Checked by the API. */
public final class JudgeOptions {
    @Option(names = "--assert-equal", description = "Require bitwise-identical values (the default unless --atol/--rtol).")
    boolean assertEqual;

    @Option(names = "--atol", paramLabel = "X", description = "Absolute tolerance: pass when |test-baseline| <= atol + rtol*|baseline|.")
    Double atol;

    @Option(names = "--rtol", paramLabel = "X", description = "Relative tolerance (see --atol).")
    Double rtol;

    @Option(names = "--metrics", paramLabel = "LIST", description = "Metrics to compare (default: loss,grad_norm).")
    String metrics;

    <V extends JudgingVerb<V>> void applyTo(V verb) {
        if (assertEqual) verb.setAssertEqual();
        if (atol != null) verb.setAtol(atol);
        if (rtol != null) verb.setRtol(rtol);
        if (metrics != null) verb.setMetrics(List.of(metrics.split(",", -1)));
    }
}
