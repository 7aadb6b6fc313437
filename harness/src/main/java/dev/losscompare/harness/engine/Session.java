package dev.losscompare.harness.engine;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.run.Progress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every part of one invocation shares: the console, the output folder, the revision cache
 * (materializations and builds), the result cache (null: always train) and the build timeout.
 */
public record Session(Console console, Path out, RevisionCache revisions, ResultCache results, Duration buildTimeout) {
    public String show(Path p) {
        return console.show(p);
    }

    Progress progress() {
        return new Progress(console.err(), console.terminal());
    }
}
