package dev.losscompare.core.text;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * How a caller's user writes a {@link Setting}: "--runs" and "--runs=K" on the command line,
 * "setRuns" and "setRuns(K)" in the Java API. Text that asks the user to change a setting takes
 * the caller's words, so the rule of what to change lives in core and the words with the caller.
 */
public interface SettingWords {
    /** The setting alone: "--runs", "setRuns". */
    String name(Setting s);

    /** The setting given a value: "--runs=K", "setRuns(K)". */
    String withValue(Setting s, String value);

    /** The setting given several values: "--from-runs A B C", "setFromRuns(A, B, C)". */
    default String withValues(Setting s, String... values) {
        return withValue(s, String.join(",", values));
    }

    /** Any of these settings, each name once: "--save/--save-dir" where a setter stands for both, "setSaveDir". */
    default String anyOf(Setting... settings) {
        return Arrays.stream(settings).map(this::name).distinct().collect(Collectors.joining("/"));
    }

    /**
     * The words of a caller that has no user interface of its own (a program calling core
     * directly): the setting's own name, "runs" and "runs=K".
     */
    SettingWords UNNAMED = new SettingWords() {
        @Override
        public String name(Setting s) {
            return s.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String withValue(Setting s, String value) {
            return name(s) + "=" + value;
        }
    };

    /** {@link #withValue} for one setting, for a rule that takes any setting's writing (a percentage). */
    default UnaryOperator<String> writing(Setting s) {
        return value -> withValue(s, value);
    }
}
