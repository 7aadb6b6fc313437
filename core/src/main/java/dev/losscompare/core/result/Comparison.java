package dev.losscompare.core.result;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.Numbers;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one loss_compare invocation decided; serialized as comparison.json.
 * {@code kind} says what was compared with what ({@link ComparisonKind}). The report writers render only from this and the series files.
 * {@code workingTreeInputs}: the paths every trained side took from the user's working tree, with
 * their fingerprints; {@code initialization}: how the trained sides got their initial weights
 * (null where nothing was trained, or in older files); {@code environments}: what each side ran in
 * and which facts differ (null, and absent from comparison.json, unless an environment was chosen).
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
        List<CaseResult> cases,
        List<WorkingTreeInput> workingTreeInputs,
        String initialization,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Environments environments) {
    /** 2: cases carry the mode they were compared in ({@code mode}, {@code mode_reason}). 1 is still read. */
    public static final int SCHEMA_VERSION = 2;

    public Comparison {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        cases = cases == null ? List.of() : List.copyOf(cases);
        workingTreeInputs = workingTreeInputs == null ? List.of() : List.copyOf(workingTreeInputs);
    }

    /** A comparison that says nothing of working-tree inputs or initial weights (a diff of existing runs, older files). */
    public Comparison(int schemaVersion, ComparisonKind kind, Revision baseline, Revision test, String configPath, int steps, long seed,
                      int threads, List<String> metrics, ComparisonMode mode, String startedAt, double wallSeconds,
                      List<CaseResult> cases) {
        this(schemaVersion, kind, baseline, test, configPath, steps, seed, threads, metrics, mode, startedAt, wallSeconds, cases,
                List.of(), null, null);
    }

    /**
     * The same comparison with what every trained side read from the working tree and how its
     * weights were initialized ({@link #initialization(String, long)}).
     */
    public Comparison withRunInputs(List<WorkingTreeInput> inputs, String initialization) {
        return new Comparison(schemaVersion, kind, baseline, test, configPath, steps, seed, threads, metrics, mode, startedAt,
                wallSeconds, cases, inputs, initialization, environments);
    }

    /** The same comparison with what each side ran in (null: no environment was chosen). */
    public Comparison withEnvironments(Environments e) {
        return new Comparison(schemaVersion, kind, baseline, test, configPath, steps, seed, threads, metrics, mode, startedAt,
                wallSeconds, cases, workingTreeInputs, initialization, e);
    }

    /**
     * How the trained sides got their initial weights, as every output says it: from one seed
     * checkpoint written by {@code seeder} (a side's label), or, with none (--no-seed-checkpoint, or
     * seed = "none" in the trainer file), each side on its own from the seed.
     */
    public static String initialization(String seederOrNull, long seed) {
        return seederOrNull != null ? "every side loaded one seed checkpoint written by " + seederOrNull
                : "no seed checkpoint: each side initialized its own weights from seed " + seed;
    }

    /**
     * The mode the cases were actually compared in: "bitwise", "tolerance atol=… rtol=…", or
     * "mixed (4 bitwise, 2 tolerance)". {@code mode} is only what was asked for; this is what every
     * output's header shows, so a gate whose environment differs never claims bitwise.
     */
    public String modeUsed() {
        if (cases.isEmpty()) return mode == null ? ComparisonMode.Kind.BITWISE.word() : mode.describe();
        long bitwise = cases.stream().filter(c -> c.modeOr(mode).isBitwise()).count();
        long noise = cases.stream().filter(c -> c.modeOr(mode).isNoise()).count();
        if (bitwise == cases.size()) return ComparisonMode.Kind.BITWISE.word();
        if (noise == cases.size()) return noiseUsed();
        if (bitwise == 0 && noise == 0) {
            var distinct = cases.stream().map(c -> c.modeOr(mode)).distinct().toList();
            return distinct.size() == 1 ? distinct.get(0).describe() : ComparisonMode.Kind.TOLERANCE.word() + " (per case)";
        }
        long tolerance = cases.size() - bitwise - noise;
        List<String> parts = new java.util.ArrayList<>();
        if (bitwise > 0) parts.add(bitwise + " bitwise");
        if (tolerance > 0) parts.add(tolerance + " " + ComparisonMode.Kind.TOLERANCE.word());
        if (noise > 0) parts.add(noise + " " + ComparisonMode.Kind.NOISE.word());
        return "mixed (" + String.join(", ", parts) + ")";
    }

    /** Every case within measured noise: one envelope's description, or the margin and the revisions calibrated. */
    private String noiseUsed() {
        var bands = cases.stream().map(c -> c.modeOr(mode).noise()).toList();
        if (bands.size() == 1) return cases.get(0).modeOr(mode).describe();
        var revisions = bands.stream().map(NoiseBand::calibratedOn).distinct().toList();
        return "within noise (" + margins(bands) + ", an envelope per case, calibrated on " + String.join(", ", revisions) + ")";
    }

    /**
     * "margin 10× from --noise-margin" when every case has the same; else each case's, and where
     * they came from when that is the same for all: "margins llama3 3×, llama4 8× from 8 held-out runs".
     */
    private String margins(List<NoiseBand> bands) {
        if (bands.stream().map(NoiseBand::marginText).distinct().count() == 1) return bands.get(0).marginText();
        List<String> each = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) each.add(cases.get(i).name() + " " + Numbers.multiple(bands.get(i).margin()) + "\u00d7");
        // a held-out source says its figures in brackets: the kind of source is what comes before them
        var kinds = bands.stream().map(b -> b.marginSource() == null ? "" : b.marginSource().replaceAll(" \\(.*$", "")).distinct().toList();
        return "margins " + String.join(", ", each) + (kinds.size() == 1 && !kinds.get(0).isEmpty() ? " " + kinds.get(0) : " (see each case)");
    }

    /** Whether any case was judged against measured noise (the tables then show a "× noise" column). */
    public boolean judgedAgainstNoise() {
        return cases.stream().anyMatch(c -> c.modeOr(mode).isNoise());
    }

    /** False for a diff of existing runs: nothing was trained, so seed and threads say nothing. */
    public boolean trainedHere() {
        return kind == null || kind.trainedHere();
    }

    /** PASS only if there is at least one case and every case passed, numerically and (where judged) in performance. */
    public Verdict overall() {
        if (cases.isEmpty()) return Verdict.ERROR;
        Verdict v = Verdict.PASS;
        for (CaseResult c : cases) v = v.worst(c.overall());
        return v;
    }

    /** The overall verdict, with "(performance)" when the numbers alone would have been better: a FAIL is never ambiguous. */
    public String overallText() {
        Verdict numeric = cases.isEmpty() ? Verdict.ERROR : Verdict.PASS;
        for (CaseResult c : cases) numeric = numeric.worst(c.verdict());
        Verdict all = overall();
        return all == numeric ? all.name() : all + " (performance)";
    }

    /** True when some case has a performance verdict (the outputs then show it). */
    public boolean hasPerformance() {
        return cases.stream().anyMatch(c -> c.performance() != null);
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
