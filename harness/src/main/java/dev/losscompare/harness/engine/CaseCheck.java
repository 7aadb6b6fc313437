package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Judgement;
import java.io.IOException;

/**
 * A further check of a judged case that may run more trainings and fold its results into the
 * case's judgement (the resume check, harness.resume). An interface here, so the engine does not
 * depend on its checks.
 */
public interface CaseCheck {
    Judgement apply(CaseEngine.CaseRun run, Judgement judged) throws IOException;
}
