package dev.losscompare.harness.resume;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
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
    public ResumeRequest checked(int steps, List<SuiteCase> cases, boolean twoTrained, SettingWords words) {
        if (resumeAt != null && resumeAt < 1) throw new UsageException(Setting.RESUME_AT, words.name(Setting.RESUME_AT) + " must be a step >= 1, got " + resumeAt);
        if (resumeAt != null && resumeAt >= steps) {
            throw new UsageException(Setting.RESUME_AT, words.withValue(Setting.RESUME_AT, resumeAt.toString()) + " leaves no step to resume: it must be below "
                    + words.name(Setting.STEPS) + " (" + steps + ")");
        }
        if (across && (!twoTrained || resumeAt == null && cases.stream().allMatch(c -> c.resumeAt() == null))) {
            throw new UsageException(Setting.RESUME_ACROSS, words.name(Setting.RESUME_ACROSS) + " needs two trained revisions and a resume check ("
                    + words.withValue(Setting.RESUME_AT, "K") + ", or resume_at in the suite)");
        }
        return this;
    }
}
