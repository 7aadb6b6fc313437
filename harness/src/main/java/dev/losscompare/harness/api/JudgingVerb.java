package dev.losscompare.harness.api;

/** A command that judges with the user's mode and metrics (compare, diff, bisect): the command line's Judge and noise options. */
public interface JudgingVerb<SELF> extends NoisyVerb<SELF>, MetricVerb<SELF> {
    /** --assert-equal: bitwise (the default unless a tolerance is set); an error together with one. */
    default SELF setAssertEqual() {
        settings().judge.assertEqual();
        return VerbSettings.self(this);
    }

    /** --atol: pass when |test-baseline| <= atol + rtol*|baseline|. */
    default SELF setAtol(double atol) {
        settings().judge.atol(atol);
        return VerbSettings.self(this);
    }

    /** --rtol (see {@link #setAtol}). */
    default SELF setRtol(double rtol) {
        settings().judge.rtol(rtol);
        return VerbSettings.self(this);
    }
}
