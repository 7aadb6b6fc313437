package dev.losscompare.harness.api;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.harness.UsageException;

/** A rank count the user gave (--ngpus, --baseline-ngpus, --test-ngpus): at least 1. */
final class Ranks {
    private Ranks() {}

    static Integer checked(Integer n, Setting option, SettingWords words) {
        if (n != null && n < 1) throw new UsageException(option, words.name(option) + " must be at least 1, got " + n);
        return n;
    }
}
