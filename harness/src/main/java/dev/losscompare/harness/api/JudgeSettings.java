package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.Judging;
import java.util.ArrayList;
import java.util.List;

/** How the judge compares (compare, diff, bisect): bitwise (the default) or within atol/rtol, and which metrics. */
final class JudgeSettings {
    private final SettingWords words;
    private boolean assertEqual;
    private Double atol;
    private Double rtol;
    private List<String> metrics;
    private java.nio.file.Path noise;
    private Double noiseMargin;

    /** {@code words}: how messages name the judge's settings. */
    JudgeSettings(SettingWords words) {
        this.words = words;
    }

    void assertEqual() {
        this.assertEqual = true;
    }

    void atol(double atol) {
        this.atol = atol;
    }

    void rtol(double rtol) {
        this.rtol = rtol;
    }

    void metrics(List<String> metrics) {
        this.metrics = List.copyOf(metrics);
    }

    void noise(java.nio.file.Path noise) {
        this.noise = noise;
    }

    void noiseMargin(double margin) {
        this.noiseMargin = margin;
    }

    /** --noise as given, or null. */
    java.nio.file.Path noise() {
        return noise;
    }

    /** --noise-margin as given, or null. */
    Double noiseMargin() {
        return noiseMargin;
    }

    /** The judge options set, named as this call's user writes them. */
    List<String> given() {
        List<Setting> out = new ArrayList<>();
        if (assertEqual) out.add(Setting.ASSERT_EQUAL);
        if (atol != null) out.add(Setting.ATOL);
        if (rtol != null) out.add(Setting.RTOL);
        if (metrics != null) out.add(Setting.METRICS);
        if (noise != null) out.add(Setting.NOISE);
        if (noiseMargin != null) out.add(Setting.NOISE_MARGIN);
        return out.stream().map(words::name).toList();
    }

    /** The judging asked for; with --noise every case is judged against its envelope (a missing one is an ERROR). */
    Judging judging(dev.losscompare.harness.Console console) {
        return judging(console, null);
    }

    /**
     * The same, with {@code suiteNoise} (a suite's top-level {@code noise} folder) when --noise is
     * not given; the command line's --assert-equal or --atol/--rtol wins over the suite's folder.
     */
    Judging judging(dev.losscompare.harness.Console console, java.nio.file.Path suiteNoise) {
        Judging judging = withoutNoise();
        boolean toleranceGiven = atol != null || rtol != null || assertEqual;
        if (noise == null && suiteNoise != null && !toleranceGiven) {
            return judging.withNoise(NoiseSettings.suiteEnvelopes(console, suiteNoise, noiseMargin, words));
        }
        if (noise == null && noiseMargin == null) return judging;
        return judging.withNoise(NoiseSettings.envelopes(console, noise, noiseMargin, toleranceGiven, words));
    }

    /** The mode and metrics asked for, before any noise envelopes (gate chooses its own). */
    Judging withoutNoise() {
        return new Judging(mode(), metricList(), metrics != null);
    }

    private ComparisonMode mode() {
        if (atol == null && rtol == null) return ComparisonMode.bitwise();
        if (assertEqual) {
            throw new UsageException(Setting.ASSERT_EQUAL, words.name(Setting.ASSERT_EQUAL) + " (bitwise) cannot be combined with " + words.name(Setting.ATOL) + "/"
                    + words.name(Setting.RTOL));
        }
        double a = atol == null ? 0 : atol;
        double r = rtol == null ? 0 : rtol;
        if (!(a >= 0) || !(r >= 0) || Double.isInfinite(a) || Double.isInfinite(r)) {
            throw new UsageException(Setting.ATOL, words.name(Setting.ATOL) + " and " + words.name(Setting.RTOL) + " must be finite and >= 0");
        }
        return ComparisonMode.tolerance(a, r);
    }

    /** Any name the series have (a Megatron "lm loss", a TensorBoard tag, a log pattern's group); loss,grad_norm by default. */
    private List<String> metricList() {
        if (metrics == null) return DefaultMetrics.ALL;
        List<String> list = new ArrayList<>();
        for (String m : metrics) {
            String name = m.strip();
            if (name.isEmpty()) {
                throw new UsageException(Setting.METRICS, words.name(Setting.METRICS) + ": an empty metric name (e.g. " + words.withValue(Setting.METRICS, "loss,grad_norm")
                        + " or \"lm loss,num-zeros\")");
            }
            if (!list.contains(name)) list.add(name);
        }
        if (list.isEmpty()) throw new UsageException(Setting.METRICS, words.name(Setting.METRICS) + ": name at least one metric");
        return list;
    }
}
