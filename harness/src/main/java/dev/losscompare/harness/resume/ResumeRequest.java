package dev.losscompare.harness.resume;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.suite.SuiteCase;
import java.util.List;

/**
 * Which resume checks a comparison runs: {@code resumeAt} (--resume-at=K) for every case, else
 * each case's {@code resume_at}; {@code across} (--resume-across): the test revision also resumes
 * from the baseline's step-K checkpoint.
 */
public record ResumeRequest(Integer resumeAt, boolean across) {
    /** The suite's resume_at keys only (the gate; compare and bisect without --resume-at). */
    public static final ResumeRequest FROM_SUITE = new ResumeRequest(null, false);

    /** K for this case, or null: no resume check. */
    public Integer stepOf(CaseSpec c) {
        return resumeAt != null ? resumeAt : c.suite().resumeAt();
    }

    /**
     * This request, refused with one line when it cannot run: K below 1 or leaving no step to
     * resume, or --resume-across without two trained revisions ({@code twoTrained}) and a check.
     */
    public ResumeRequest checked(int steps, List<SuiteCase> cases, boolean twoTrained) {
        if (resumeAt != null && resumeAt < 1) throw new UsageException("--resume-at must be a step >= 1, got " + resumeAt);
        if (resumeAt != null && resumeAt >= steps) {
            throw new UsageException("--resume-at=" + resumeAt + " leaves no step to resume: it must be below --steps (" + steps + ")");
        }
        if (across && (!twoTrained || resumeAt == null && cases.stream().allMatch(c -> c.resumeAt() == null))) {
            throw new UsageException("--resume-across needs two trained revisions and a resume check (--resume-at=K, or resume_at in the suite)");
        }
        return this;
    }
}
