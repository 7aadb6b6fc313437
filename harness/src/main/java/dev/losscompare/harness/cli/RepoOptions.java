package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.Wording;
import dev.losscompare.harness.api.LossCompare;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which repository, which cache, and whether finished runs may be reused. */
public final class RepoOptions {
    @Option(names = "--repo", paramLabel = "DIR", description = "Repository (default: the one enclosing the current directory).")
    Path repo;

    @Option(names = "--no-cache", description = "Train every run even if an identical one is in the result cache.")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR", hidden = true)
    Path cacheDir;

    /** The repository as these options name it (--cache-dir, else LOSS_COMPARE_CACHE, XDG_CACHE_HOME/loss_compare or ~/.cache/loss_compare). */
    LossCompare open(Console console) {
        return LossCompare.open(repo == null ? console.cwd() : repo, console).setWording(Wording.COMMAND_LINE).setCacheDir(cacheDir)
                .setResultCache(!noCache);
    }
}
