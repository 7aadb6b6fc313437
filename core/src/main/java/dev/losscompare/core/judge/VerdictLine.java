package dev.losscompare.core.judge;

import dev.losscompare.core.result.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What the one line of a decided case says, as parts: the verdict, the case, what was found
 * (each a clause: "loss differs from step 2 (max rel diff 3.2e-2)", "inputs diverged at step 3
 * (…)", "steps after 5 not compared (…)"), the comparison it was made in when that needs saying
 * ("tolerance atol=… : the goldens' environment differs"), and what later stages appended (the
 * diagnosis's "; where: …", the resume checks). The judge decides the parts; {@link #text()} is
 * the one rendering the console, bisect's log and the calibration lines print.
 *
 * @param mode     the comparison in brackets after the findings, or null: as requested and not worth saying
 * @param appended text later stages put after it, each starting with its own separator ("; where: …")
 */
public record VerdictLine(Verdict verdict, String label, List<String> findings, String mode, List<String> appended) {
    public VerdictLine {
        findings = List.copyOf(findings);
        appended = List.copyOf(appended);
    }

    /** A line with these findings (null entries: none), nothing appended yet. */
    static VerdictLine of(Verdict verdict, String label, String mode, String... findings) {
        List<String> kept = new ArrayList<>();
        for (String f : findings) if (f != null) kept.add(f);
        return new VerdictLine(verdict, label, kept, mode, List.of());
    }

    /** The same line with {@code text} after it (a later stage's finding, with its separator). */
    public VerdictLine followedBy(String text) {
        List<String> more = new ArrayList<>(appended);
        more.add(text);
        return new VerdictLine(verdict, label, findings, mode, more);
    }

    /** The same line under another verdict (a resume check that made the case worse). */
    public VerdictLine withVerdict(Verdict v) {
        return new VerdictLine(v, label, findings, mode, appended);
    }

    /** "FAIL llama3 debugmodel: loss differs from step 2 (max rel diff 3.2e-2) [within noise (…)]; where: …". */
    public String text() {
        return verdict.name() + " " + label + ": " + String.join("; ", findings) + (mode == null ? "" : " [" + mode + "]")
                + String.join("", appended);
    }
}
