package dev.losscompare.harness.cli;

/** The headings --help groups a command's options under, one per option mixin, in the order a reader looks for them. */
final class Sections {
    static final String WHAT = "%nWhat to compare:%n";
    // a command's own options, first
    static final String COMPARE = "%nThis comparison:%n";
    static final String GOLDENS = "%nGoldens:%n";
    static final String READING = "%nReading the runs:%n";
    static final String SEARCH = "%nThe search:%n";
    static final String CALIBRATION = "%nCalibration:%n";
    static final String TRAINING = "%nTraining (every run):%n";
    static final String SIDES = "%nTraining (one side only):%n";
    static final String JUDGING = "%nJudging:%n";
    static final String NOISE = "%nNoise:%n";
    static final String PERFORMANCE = "%nPerformance:%n";
    static final String RESUME = "%nResume check:%n";
    static final String ENVIRONMENTS = "%nEnvironments:%n";
    static final String CLUSTER = "%nCluster:%n";
    static final String RUNS = "%nTime limits:%n";
    static final String REPOSITORY = "%nRepository and cache:%n";
    static final String OUTPUT = "%nOutput:%n";

    private Sections() {}
}
