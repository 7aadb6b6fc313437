package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.ResumingVerb;
import picocli.CommandLine.Option;

/** --resume-at for the commands that train revisions and judge them (compare, bisect). */
public final class ResumeOptions {
    @Option(names = "--resume-at", paramLabel = "K",
            description = {"Check resuming too: each trained side trains 1..N writing checkpoints and resumes K+1..N from its step-K one;",
                    "the resumed steps must equal the continuous ones bitwise (overrides the cases' resume_at)."})
    Integer resumeAt;

    <T extends ResumingVerb<T>> T applyTo(T verb) {
        if (resumeAt != null) verb.setResumeAt(resumeAt);
        return verb;
    }
}
