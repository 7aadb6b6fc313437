package dev.losscompare.harness;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;
import java.util.EnumMap;
import java.util.Map;

/**
 * How a message names a setting, for the user who reads it: the command line's flag
 * ({@code --runs=K}) or the Java API's setter ({@code setRuns(K)}). The one table of both: a
 * message names a {@link Setting} and the caller's wording writes it, so an API user never reads
 * a flag they did not type, and a new option is one row here. The verbs a message points to
 * ({@link Call}: "gate --update" or "updateGoldens()") are a second, smaller table.
 */
public enum Wording implements SettingWords {
    /** loss_compare.sh: "--runs", "--runs=K". */
    COMMAND_LINE,
    /** The Java API (the default of {@code LossCompare}): "setRuns", "setRuns(K)". */
    API;

    private record Words(String flag, String setter) {}

    /**
     * A verb a message points the user to, as each user starts it: the command's words (after
     * the program's name) and the method of {@code LossCompare}; {@code %s} takes an argument.
     */
    public enum Call {
        /** A comparison of two revisions. */
        COMPARE("%s %s [options] (see --help)", "compare(%s, %s)"),
        /** Calibrating a revision's noise. */
        CALIBRATE("calibrate %s", "calibrate(%s)"),
        /** Recording the goldens again. */
        UPDATE_GOLDENS("gate --update", "updateGoldens()");

        private final String command;
        private final String method;

        Call(String command, String method) {
            this.command = command;
            this.method = method;
        }
    }

    private static final Map<Setting, Words> TABLE = new EnumMap<>(Setting.class);
    /** How the command line's messages name its program. */
    private static final String PROGRAM = "loss_compare.sh";

    static {
        row(Setting.STEPS, "--steps", "setSteps");
        row(Setting.CONFIG, "--config", "setConfig");
        row(Setting.SEED, "--seed", "setSeed");
        row(Setting.THREADS, "--threads", "setThreads");
        row(Setting.TRAIN_OPTIONS, "--train-options", "setTrainOptions");
        row(Setting.SEED_CHECKPOINT, "--no-seed-checkpoint", "setSeedCheckpoint(false)");
        row(Setting.PORTABLE, "--portable", "setPortable");
        row(Setting.NGPUS, "--ngpus", "setNgpus");
        row(Setting.BASELINE_NGPUS, "--baseline-ngpus", "setBaselineNgpus");
        row(Setting.TEST_NGPUS, "--test-ngpus", "setTestNgpus");
        row(Setting.BASELINE_TRAIN_OPTIONS, "--baseline-train-options", "setBaselineOptions");
        row(Setting.TEST_TRAIN_OPTIONS, "--test-train-options", "setTestOptions");
        row(Setting.TRAINER, "--trainer", "setTrainer");
        row(Setting.JOBS, "--jobs", "setJobs");
        row(Setting.TIMEOUT, "--timeout", "setTimeout");
        row(Setting.BUILD_TIMEOUT, "--build-timeout", "setBuildTimeout");
        row(Setting.REPO, "--repo", "LossCompare.open");
        row(Setting.SUITE, "--suite", "setSuite");
        row(Setting.CASES, "--cases", "setCases");
        row(Setting.IMPORT_RESULT, "--import-result", "setImportResult");
        row(Setting.BASELINE_ENV, "--baseline-env", "setBaselineEnv");
        row(Setting.TEST_ENV, "--test-env", "setTestEnv");
        row(Setting.OUTPUT_FOLDER, "--output-folder", "setOutputFolder");
        row(Setting.ASSERT_EQUAL, "--assert-equal", "setAssertEqual");
        row(Setting.ATOL, "--atol", "setAtol");
        row(Setting.RTOL, "--rtol", "setRtol");
        row(Setting.METRICS, "--metrics", "setMetrics");
        row(Setting.NOISE, "--noise", "setNoise");
        row(Setting.NOISE_MARGIN, "--noise-margin", "setNoiseMargin");
        row(Setting.PERF, "--perf", "setPerf");
        row(Setting.PERF_ROUNDS, "--perf-rounds", "setPerfRounds");
        row(Setting.MAX_SLOWDOWN, "--max-slowdown", "setMaxSlowdown");
        row(Setting.MAX_MEMORY_GROWTH, "--max-memory-growth", "setMaxMemoryGrowth");
        row(Setting.RESUME_AT, "--resume-at", "setResumeAt");
        row(Setting.RESUME_ACROSS, "--resume-across", "setResumeAcross");
        row(Setting.RUNS, "--runs", "setRuns");
        row(Setting.HELD_OUT, "--held-out", "setHeldOut");
        row(Setting.FROM_RUNS, "--from-runs", "setFromRuns");
        row(Setting.VERIFY, "--verify", "setVerify");
        row(Setting.SAVE, "--save", "setSaveDir");   // --save is setSaveDir(configs/noise)
        row(Setting.SAVE_DIR, "--save-dir", "setSaveDir");
        row(Setting.GOLDEN_DIR, "--golden-dir", "setGoldenDir");
        row(Setting.AGAINST_GOLDENS, "--against-goldens", "setAgainstGoldens");
        row(Setting.FORMAT, "--format", "setFormat");
        row(Setting.RANK, "--rank", "setRank");
        row(Setting.LAUNCHER, "--launcher", "setLauncher");
        row(Setting.SHARED_DIR, "--shared-dir", "setSharedDir");
        for (Setting s : Setting.values()) {
            if (!TABLE.containsKey(s)) throw new ExceptionInInitializerError("no words for the setting " + s);
        }
    }

    private static void row(Setting s, String flag, String setter) {
        TABLE.put(s, new Words(flag, setter));
    }

    @Override
    public String name(Setting s) {
        Words w = TABLE.get(s);
        return this == COMMAND_LINE ? w.flag() : w.setter();
    }

    @Override
    public String withValue(Setting s, String value) {
        return this == COMMAND_LINE ? name(s) + "=" + value : name(s) + "(" + value + ")";
    }

    /** "--from-runs A B C" on the command line, "setFromRuns(A, B, C)" in the API. */
    @Override
    public String withValues(Setting s, String... values) {
        return this == COMMAND_LINE ? name(s) + " " + String.join(" ", values) : name(s) + "(" + String.join(", ", values) + ")";
    }

    /** The verb as this user starts it, bare: "gate --update", "updateGoldens()". */
    public String call(Call c, Object... args) {
        return String.format(java.util.Locale.ROOT, this == COMMAND_LINE ? c.command : c.method, args);
    }

    /** The verb as a command names it: "loss_compare.sh calibrate REV", "calibrate(REV)". */
    public String command(Call c, Object... args) {
        return (this == COMMAND_LINE ? PROGRAM + " " : "") + call(c, args);
    }

    /** The verb as a line to run: "./loss_compare.sh gate --update", "updateGoldens()". */
    public String line(Call c, Object... args) {
        return (this == COMMAND_LINE ? "./" : "") + command(c, args);
    }
}
