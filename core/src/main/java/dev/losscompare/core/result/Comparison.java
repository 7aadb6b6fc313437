package dev.losscompare.core.result;

import dev.losscompare.core.judge.ComparisonMode;

import java.util.List;

/**
 * Everything one loss_compare invocation decided; serialized as comparison.json.
 * {@code kind} says what was compared with what ({@link ComparisonKind}). The report writers render only from this and the series files.
 */
public record Comparison(
        int schemaVersion,
        ComparisonKind kind,
        Revision baseline,
        Revision test,
        String configPath,
        int steps,
        long seed,
        int threads,
        List<String> metrics,
        ComparisonMode mode,
        String startedAt,
        double wallSeconds,
        List<CaseResult> cases) {
    /** 2: cases carry the mode they were compared in ({@code mode}, {@code mode_reason}). 1 is still read. */
    public static final int SCHEMA_VERSION = 2;

    public Comparison {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        cases = cases == null ? List.of() : List.copyOf(cases);
    }

    /**
     * The mode the cases were actually compared in: "bitwise", "tolerance atol=… rtol=…", or
     * "mixed (4 bitwise, 2 tolerance)". {@code mode} is only what was asked for; this is what every
     * output's header shows, so a gate whose environment differs never claims bitwise.
     */
    public String modeUsed() {
        if (cases.isEmpty()) return mode == null ? ComparisonMode.BITWISE : mode.describe();
        long bitwise = cases.stream().filter(c -> c.modeOr(mode).isBitwise()).count();
        if (bitwise == cases.size()) return ComparisonMode.BITWISE;
        if (bitwise == 0) {
            var distinct = cases.stream().map(c -> c.modeOr(mode)).distinct().toList();
            return distinct.size() == 1 ? distinct.get(0).describe() : ComparisonMode.TOLERANCE + " (per case)";
        }
        return "mixed (" + bitwise + " bitwise, " + (cases.size() - bitwise) + " " + ComparisonMode.TOLERANCE + ")";
    }

    /** False for a diff of existing runs: nothing was trained, so seed and threads say nothing. */
    public boolean trainedHere() {
        return kind == null || kind.trainedHere();
    }

    /** PASS only if there is at least one case and every case passed. */
    public Verdict overall() {
        if (cases.isEmpty()) return Verdict.ERROR;
        Verdict v = Verdict.PASS;
        for (CaseResult c : cases) v = v.worst(c.verdict());
        return v;
    }

    /** The process exit code the contract assigns: 0 all match, 1 a difference, 2 could not decide. */
    public int exitCode() {
        return switch (overall()) {
            case PASS -> ExitCode.MATCH;
            case FAIL -> ExitCode.DIFFER;
            case ERROR -> ExitCode.UNDECIDED;
        };
    }
}
