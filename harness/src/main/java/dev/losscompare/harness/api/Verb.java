package dev.losscompare.harness.api;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every command object has: its repository, the output folder, and how long a run and a
 * build may take. {@code call()} runs it; errors are {@link UsageException} (bad input) or
 * {@link dev.losscompare.harness.engine.Interrupted} (Ctrl-C).
 */
public abstract class Verb<SELF extends Verb<SELF, R>, R> implements SettingsVerb {
    /** A build that takes longer is stopped (--build-timeout's default, in minutes). */
    public static final int DEFAULT_BUILD_TIMEOUT_MINUTES = 30;

    final LossCompare lc;
    Path outputFolder;
    Duration timeout;
    Duration buildTimeout = Duration.ofMinutes(DEFAULT_BUILD_TIMEOUT_MINUTES);
    private final VerbSettings settings;

    Verb(LossCompare lc) {
        this(lc, new VerbSettings(lc.wording()));
    }

    /** A verb that sets another's settings (gate --update records for the gate it holds). */
    Verb(LossCompare lc, VerbSettings settings) {
        this.lc = lc;
        this.settings = settings;
    }

    /** How this call's bad-input messages name a setting: a flag for the command line, a setter for a program. */
    final Wording words() {
        return lc.wording();
    }

    @SuppressWarnings("unchecked")
    final SELF self() {
        return (SELF) this;
    }

    /** --output-folder: where results go (default ./loss_compare/&lt;UTC time&gt;-&lt;base&gt;-vs-&lt;test&gt;/); must be new or empty. */
    public SELF setOutputFolder(Path dir) {
        this.outputFolder = lc.resolve(dir);
        return self();
    }

    /** --timeout: stop a run that takes longer (null: no limit). */
    public SELF setTimeout(Duration timeout) {
        this.timeout = positive(timeout, Setting.TIMEOUT);
        return self();
    }

    /** --build-timeout: stop a build that takes longer. */
    public SELF setBuildTimeout(Duration timeout) {
        if (timeout == null) throw new UsageException(Setting.BUILD_TIMEOUT, words().name(Setting.BUILD_TIMEOUT) + " needs a duration (e.g. 30m)");
        this.buildTimeout = positive(timeout, Setting.BUILD_TIMEOUT);
        return self();
    }

    private Duration positive(Duration d, Setting option) {
        if (d != null && (d.isZero() || d.isNegative())) throw new UsageException(option, words().name(option) + " must be more than zero");
        return d;
    }

    @Override
    public final VerbSettings settings() {
        return settings;
    }

    /** Runs the command. */
    public abstract R call() throws IOException;
}
