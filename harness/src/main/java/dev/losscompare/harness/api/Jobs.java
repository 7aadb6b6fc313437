package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.UsageException;

/** --jobs: how many trainer runs at once. One rule for every command that takes it. */
final class Jobs {
    private Jobs() {}

    /** The given count, else 2 when the machine has cores for two runs of {@code threadsPerRun} threads, else 1. */
    static int runsAtOnce(Integer given, int threadsPerRun, SettingWords words) {
        if (given != null && given < 1) throw new UsageException(Setting.JOBS, words.name(Setting.JOBS) + " must be at least 1, got " + given);
        if (given != null) return given;
        return Runtime.getRuntime().availableProcessors() >= 2 * threadsPerRun ? 2 : 1;
    }
}
