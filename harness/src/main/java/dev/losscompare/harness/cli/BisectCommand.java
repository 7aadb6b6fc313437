package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.bisect.Bisection;
import dev.losscompare.harness.bisect.FirstParentPath;
import dev.losscompare.harness.bisect.Prober;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code loss_compare bisect GOOD BAD}: the first commit on BAD's first-parent path after GOOD
 * whose series differ from GOOD's (or, with --against-goldens, that fails the gate).
 */
@Command(name = "bisect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the first commit after GOOD, on BAD's first-parent path, whose series differ from GOOD's "
                + "(same judge options as compare; bitwise by default).",
                "Exit: 0 found (or no change in GOOD..BAD), 2 could not decide."},
        footer = {"", "A commit that does not build or whose run crashes is skipped; if skips hide the answer, the candidates are listed.",
                "Examples:", "  ./loss_compare.sh bisect v1.2 main --steps=3",
                "  ./loss_compare.sh bisect HEAD~20 HEAD --suite=configs/signoff.toml --jobs=3",
                "  ./loss_compare.sh bisect HEAD~20 HEAD --against-goldens"})
public final class BisectCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GOOD", description = "A commit whose numbers are right.")
    String good;

    @Parameters(index = "1", paramLabel = "BAD", description = "A later commit whose numbers moved.")
    String bad;

    @Mixin TrainingOptions training;
    @Mixin JudgeOptions judge;
    @Mixin SuiteOptions suite;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;
    @Mixin LauncherOptions launcher;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Commits probed at once: N > 1 searches k-ary (default: 2 when cores >= 2 x threads, else 1).")
    Integer jobs;

    @Option(names = "--against-goldens", description = "Bisect against the goldens instead of GOOD's runs: the first commit "
            + "whose gate fails (the suite's [gate] settings and the portable kernel set, as gate runs).")
    boolean againstGoldens;

    @Option(names = "--golden-dir", paramLabel = "DIR", description = "With --against-goldens: where the goldens live (default: configs/golden).")
    Path goldenDir;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        suite.requireSuiteForCases();
        if (goldenDir != null && !againstGoldens) throw new UsageException("--golden-dir needs --against-goldens");
        if (againstGoldens) {
            refuseWithGoldens("training", "judge");
            suite.defaultToSignoff();
        }
        Suite suiteRead = suite.suite == null ? null : suite.read(console);
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, training.config, List.of())) : suiteRead.cases();
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        Training t = againstGoldens
                ? Training.ofGate(suiteRead.gate(), Kernels.PORTABLE, timeouts.timeout)
                : training.training(timeouts.timeout);
        List<String> options = againstGoldens ? suiteRead.gate().trainOptions() : training.trainOptions();
        Judging judging = againstGoldens ? new Judging(ComparisonMode.bitwise(), Judging.DEFAULT_METRICS, false) : judge.judging();
        int probesAtOnce = Jobs.runsAtOnce(jobs, Threads.effective(t.threads(), options));
        Bisection.Goldens goldens = againstGoldens
                ? new Bisection.Goldens(new GoldenStore(console.cwd().resolve(goldenDir == null ? GoldenStore.DEFAULT_DIR : goldenDir)),
                        suiteRead.gate())
                : null;
        Instant started = Instant.now();
        Path repoDir = repo.repoDir(console);
        Path cache = launcher.install(console, suite.file(console), t.timeout(), repo);
        try (Workspace ws = Workspace.open(console, repoDir, cache)) {
            ResolvedRevision goodRev = ws.resolve(good);
            ResolvedRevision badRev = ws.resolve(bad);
            FirstParentPath.Range range;
            try (Repository r = GitRepos.open(repoDir)) {
                range = FirstParentPath.between(r, goodRev, badRev);
            }
            Materialized goodTree = ws.materialize("good", goodRev, inputs);
            Workspace.checkConfigs(suiteCases, goodTree);
            List<CaseSpec> cases = Workspace.cases(suiteCases, goodTree, options);
            Path out = OutputFolders.create(output.folder(console), console.cwd(), "bisect-" + good, bad, started);
            try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("bisect.log")), true, StandardCharsets.UTF_8);
                 Workspace quiet = Workspace.open(new Console(console.cwd(), console.env(), log, log, false), repoDir,
                         cache)) {
                Prober.Plan plan = new Prober.Plan(suiteCases, cases, inputs, options, t, judging, timeouts.buildTimeout,
                        repo.useResultCache(), training.adapter(console, suiteRead));
                String label = suiteRead != null ? console.show(suite.file(console)) : training.config;
                Bisection bisection = new Bisection(console, quiet, out, range, goodTree, plan,
                        new Bisection.Request(good, bad, probesAtOnce, !againstGoldens && training.seedCheckpoint(), label, goldens));
                return ws.guarded(out, bisection::run);
            }
        }
    }

    /** With --against-goldens the suite's [gate] decides how commits train and the goldens how they are judged. */
    private void refuseWithGoldens(String... mixins) {
        var parsed = spec.commandLine().getParseResult();
        for (String mixin : mixins) {
            for (OptionSpec o : spec.mixins().get(mixin).options()) {
                if (parsed.hasMatchedOption(o)) {
                    throw new UsageException(o.longestName() + " cannot be combined with --against-goldens: the suite's [gate] "
                            + "settings decide how each commit trains, as gate runs it");
                }
            }
        }
    }
}
