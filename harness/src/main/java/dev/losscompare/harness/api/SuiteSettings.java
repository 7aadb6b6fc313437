package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteFile;
import java.nio.file.Path;
import java.util.List;

/** A sign-off suite and a selection of its cases (compare, gate, bisect). */
final class SuiteSettings {
    /** The suite gate (and bisect --against-goldens) use when none is given. */
    static final Path SIGNOFF = Path.of("configs/signoff.toml");

    private final SettingWords words;
    private Path file;
    private List<String> cases;

    /** {@code words}: how messages name --suite and --cases. */
    SuiteSettings(SettingWords words) {
        this.words = words;
    }

    void file(Path file) {
        this.file = file;
    }

    void cases(List<String> cases) {
        this.cases = List.copyOf(cases);
    }

    boolean given() {
        return file != null;
    }

    /** The suite file as given, against the working directory (the default when none was given and {@code fallback}). */
    Path file(Console console, boolean fallback) {
        Path f = file != null ? file : fallback ? SIGNOFF : null;
        return f == null ? null : console.cwd().resolve(f);
    }

    /** The selected cases of the suite (every case without --cases); null without a suite and no fallback. */
    Suite read(Console console, boolean fallback) {
        if (cases != null && file == null && !fallback) {
            throw new UsageException(Setting.CASES, words.name(Setting.CASES) + " needs " + words.withValue(Setting.SUITE, "FILE"));
        }
        Path f = file(console, fallback);
        if (f == null) return null;
        Suite s = SuiteFile.readSuite(f, words);
        return s.withCases(SuiteFile.select(s.cases(), cases == null ? null : String.join(",", cases), words));
    }
}
