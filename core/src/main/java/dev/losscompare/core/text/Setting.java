package dev.losscompare.core.text;

/**
 * A setting a message can ask the user to change, by what it is: core and the harness name none
 * themselves. The caller's {@link SettingWords} say how its user writes it (the command line's
 * flags, the Java API's setters), so nobody reads an option they could not have typed.
 */
public enum Setting {
    // what and how long to train
    STEPS, CONFIG, SEED, THREADS, TRAIN_OPTIONS, SEED_CHECKPOINT, PORTABLE, NGPUS, BASELINE_NGPUS, TEST_NGPUS,
    BASELINE_TRAIN_OPTIONS, TEST_TRAIN_OPTIONS, TRAINER, JOBS, TIMEOUT, BUILD_TIMEOUT,
    // suites, sides, files
    REPO, SUITE, CASES, IMPORT_RESULT, BASELINE_ENV, TEST_ENV, OUTPUT_FOLDER,
    // judging and noise
    ASSERT_EQUAL, ATOL, RTOL, METRICS, NOISE, NOISE_MARGIN,
    // performance
    PERF, PERF_ROUNDS, MAX_SLOWDOWN, MAX_MEMORY_GROWTH,
    // the resume check
    RESUME_AT, RESUME_ACROSS,
    // calibrate
    RUNS, HELD_OUT, FROM_RUNS, VERIFY, SAVE, SAVE_DIR,
    // gate and bisect
    GOLDEN_DIR, AGAINST_GOLDENS,
    // existing runs (diff)
    FORMAT, RANK,
    // where runs start
    LAUNCHER, SHARED_DIR
}
