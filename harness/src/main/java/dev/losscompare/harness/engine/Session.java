package dev.losscompare.harness.engine;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.harness.run.Progress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every part of one invocation shares: the console, the output folder, the revision cache
 * (materializations and builds), the result cache (null: always train), the build timeout and
 * the launcher every run and build of this invocation starts through (its own, never another's).
 */
public record Session(Console console, Path out, RevisionCache revisions, ResultCache results, Duration buildTimeout,
                      RunLauncher launcher) {
    public String show(Path p) {
        return console.show(p);
    }

    Progress progress() {
        return new Progress(console.err(), console.terminal());
    }
}
