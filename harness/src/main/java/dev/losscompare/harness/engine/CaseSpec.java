package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.harness.suite.SuiteCase;

/** A case as the pipeline runs it: the suite entry (config, options, tolerances) and its resolved name. */
public record CaseSpec(SuiteCase suite, CaseId id) {}
