package dev.losscompare.harness.api;

/** A command that can check resuming too (compare, bisect): the command line's --resume-at. */
public interface ResumingVerb<SELF> extends SettingsVerb {
    /** --resume-at: every case's trained sides also resume from their step-K checkpoint (overrides the cases' resume_at). */
    default SELF setResumeAt(int k) {
        settings().resumeAt = k;
        return VerbSettings.self(this);
    }
}
