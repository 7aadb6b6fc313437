package dev.losscompare.harness.resume;

import dev.losscompare.harness.pipeline.CaseSpec;

/**
 * Which resume checks a comparison runs: {@code resumeAt} (--resume-at=K) for every case, else
 * each case's {@code resume_at}; {@code across} (--resume-across): the test revision also resumes
 * from the baseline's step-K checkpoint.
 */
public record ResumeRequest(Integer resumeAt, boolean across) {
    /** The suite's resume_at keys only (the gate). */
    public static final ResumeRequest FROM_SUITE = new ResumeRequest(null, false);

    /** K for this case, or null: no resume check. */
    public Integer stepOf(CaseSpec c) {
        return resumeAt != null ? resumeAt : c.suite().resumeAt();
    }
}
