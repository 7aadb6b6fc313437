package dev.losscompare.harness.api;

/** A command that can check resuming too (compare, bisect): the command line's --resume-at. */
public interface ResumingVerb<SELF> {
    /** --resume-at: every case's trained sides also resume from their step-K checkpoint (overrides the cases' resume_at). */
    SELF setResumeAt(int k);
}
