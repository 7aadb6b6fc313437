package dev.losscompare.harness;

import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.domain.judge.CaseJudge;
import dev.losscompare.domain.judge.CaseJudge.CaseId;
import dev.losscompare.domain.judge.Judgement;
import dev.losscompare.domain.judge.SeriesDiff;
import dev.losscompare.domain.judge.SideResult;
import dev.losscompare.harness.gate.Golden;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.io.SeriesFiles;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.harness.suite.GateSettings;
import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.reports.ReportWriter;
import dev.losscompare.domain.CaseResult;
import dev.losscompare.domain.Comparison;
import dev.losscompare.domain.ComparisonMode;
import dev.losscompare.domain.MetricResult;
import dev.losscompare.domain.Revision;
import dev.losscompare.domain.RunInfo;
import dev.losscompare.domain.RunSeries;
import dev.losscompare.domain.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;

/**
 * {@code loss_compare.sh gate}: runs the working tree's suite cases with the suite's gate settings
 * and compares each with its golden series — bitwise where the environment matches the golden's,
 * within the case's tolerance (and saying so) where it does not. With {@code update}, writes the
 * goldens instead and prints, per case, where the new series departs from the old.
 */
public final class GateRun {
    public record Request(Path suiteFile, List<SuiteCase> cases, GateSettings gate, Path goldenDir, boolean update,
                          Path outputFolder, Path cacheDir, Duration timeout, boolean useResultCache) {}

    private static final List<String> METRICS = List.of("loss", "grad_norm");
    private final Console console;

    public GateRun(Console console) {
        this.console = console;
    }

    public int run(Request q) throws IOException, InterruptedException {
        Instant started = Instant.now();
        try (Repository repo = GitRepos.open(console.cwd())) {
            ResolvedRevision tree = new RevisionResolver(repo).resolve(RevisionResolver.WORKING_TREE);
            RevisionCache cache = new RevisionCache(q.cacheDir(), repo);
            Materialized m = cache.materialize(tree);
            Path out = OutputFolders.create(q.outputFolder(), console.cwd(), "golden", "working-tree", started);
            Path buildLog = out.resolve("test_build.log");
            console.out().println("building the working tree ...");
            BuildResult build = cache.build(m, buildLog);
            GoldenStore store = new GoldenStore(q.goldenDir());
            List<CaseResult> results = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            boolean updateFailed = false;
            for (SuiteCase c : q.cases()) {
                CaseId id = caseId(m, c, options(c, q.gate()));
                Path caseDir = Files.createDirectories(out.resolve(id.name()));
                if (!build.ok()) {
                    results.add(error(id, build.reason() + "; log: " + buildLog));
                    lines.add("ERROR " + id.label() + ": " + build.reason());
                    updateFailed = true;
                    continue;
                }
                console.out().println("== " + id.label());
                Golden.Settings settings = settings(c, q.gate());
                SideResult run = runCase(out, caseDir, m, c, q);
                if (q.update()) {
                    updateFailed |= !update(store, id, settings, m.dir().resolve(c.config()), run, tree, lines);
                } else {
                    CaseOutcome o = check(store, id, settings, run, c, q.gate(), caseDir);
                    results.add(o.result());
                    lines.add(o.line());
                }
            }
            if (q.update()) {
                lines.forEach(console.out()::println);
                return updateFailed ? Main.USAGE : 0;
            }
            Comparison comparison = new Comparison(Comparison.SCHEMA_VERSION, "gate",
                    new Revision(show(q.goldenDir()), null, "golden series", null, false), tree.toModel(),
                    show(q.suiteFile()), q.gate().steps(), q.gate().seed(), q.gate().threads(), METRICS,
                    ComparisonMode.bitwise(), started.toString(),
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, results);
            for (int i = 0; i < lines.size(); i++) {
                (results.get(i).verdict() == Verdict.ERROR ? console.err() : console.out()).println(lines.get(i));
            }
            if (results.size() > 1) SignoffTable.lines(comparison).forEach(console.out()::println);
            Path report = ReportWriter.writeAll(out, comparison);
            console.out().println("report: " + show(report));
            return comparison.exitCode();
        }
    }

    private record CaseOutcome(CaseResult result, String line) {}

    private SideResult runCase(Path out, Path caseDir, Materialized m, SuiteCase c, Request q) throws IOException {
        TrainerArgs args = new TrainerArgs(m.dir(), c.config(), q.gate().steps(), q.gate().seed(), q.gate().threads(),
                options(c, q.gate()));
        ResultCache results = q.useResultCache() ? new ResultCache(q.cacheDir()) : null;
        try (Progress progress = new Progress(console.err(), console.terminal())) {
            return new SideRunner(out, caseDir, progress, q.timeout(), this::show, results)
                    .run("test", m, args, null, false, ResultCache.runKey(m, args, null, console.env()));
        }
    }

    /** Compares a run with its golden; any reason the two are not comparable is an ERROR, never a pass. */
    private CaseOutcome check(GoldenStore store, CaseId id, Golden.Settings settings, SideResult run, SuiteCase c,
                              GateSettings gate, Path caseDir) throws IOException {
        Golden golden = store.read(id.name());
        if (golden == null) {
            return errorOutcome(id, "no golden series " + show(store.file(id.name())) + "; record one with: ./loss_compare.sh gate --update");
        }
        if (!golden.settings().equals(settings)) {
            return errorOutcome(id, "the golden was recorded with other settings (" + describe(golden.settings())
                    + "; now " + describe(settings) + "); review and rerun: ./loss_compare.sh gate --update");
        }
        String envDiff = run.series() == null ? "" : golden.environmentDifference(Golden.environmentOf(run.series().meta()));
        ComparisonMode mode = envDiff.isEmpty() ? ComparisonMode.bitwise()
                : ComparisonMode.tolerance(c.atol() != null ? c.atol() : gate.atol(), c.rtol() != null ? c.rtol() : gate.rtol());
        Path goldenCopy = caseDir.resolve("baseline.jsonl");
        RunSeries goldenSeries = golden.toSeries();
        SeriesFiles.write(goldenSeries, goldenCopy);
        RunInfo goldenInfo = new RunInfo("golden", golden.settings().options(), caseDir.getParent().relativize(goldenCopy).toString(),
                null, null, null, null, false, goldenSeries.meta());
        Judgement j = CaseJudge.judge(id, new SideResult(goldenInfo, goldenSeries), run, METRICS, mode, settings.steps());
        String note = envDiff.isEmpty() ? null : "environment differs from the golden's (" + envDiff
                + "), so compared within " + String.format(java.util.Locale.ROOT, "atol=%.1e, rtol=%.1e", mode.atol(), mode.rtol())
                + " instead of bitwise";
        CaseResult r = j.result();
        CaseResult withNote = new CaseResult(r.name(), r.model(), r.flavor(), r.config(), r.verdict(), r.error(),
                r.inputsDivergeAtStep(), r.baseline(), r.test(), r.metrics(), note);
        return new CaseOutcome(withNote, j.verdictLine() + (note == null ? "" : " [" + note + "]"));
    }

    /** Writes the new golden; says where it departs from the old one. False if the run failed. */
    private boolean update(GoldenStore store, CaseId id, Golden.Settings settings, Path configFile, SideResult run,
                           ResolvedRevision tree, List<String> lines) throws IOException {
        if (run.failed() || run.series() == null || run.series().steps().size() != settings.steps()) {
            lines.add("ERROR " + id.label() + ": golden not written: " + (run.failed() ? run.info().error() : "incomplete series"));
            return false;
        }
        Golden old = store.read(id.name());
        String commit = tree.commitId() == null ? "working tree" : tree.commitId();
        Golden fresh = Golden.of(id.name(), settings, sha256(configFile), run.series().meta(), commit, run.series());
        store.write(fresh);
        lines.add(id.name() + ": " + change(old, fresh) + " -> " + show(store.file(id.name())));
        return true;
    }

    private static String change(Golden old, Golden fresh) {
        if (old == null) return "new golden";
        if (!old.settings().equals(fresh.settings())) return "settings changed (" + describe(old.settings()) + " -> " + describe(fresh.settings()) + ")";
        Integer first = null;
        for (String metric : METRICS) {
            var d = SeriesDiff.diff(old.toSeries(), fresh.toSeries(), metric, ComparisonMode.bitwise());
            if (d.divergence() != null) first = first == null ? d.divergence().step() : Math.min(first, d.divergence().step());
        }
        String env = old.environmentDifference(fresh.environment());
        return (first == null ? "unchanged" : "changed from step " + first) + (env.isEmpty() ? "" : "; environment " + env);
    }

    private static String describe(Golden.Settings s) {
        return s.config() + ", options " + s.options() + ", seed " + s.seed() + ", steps " + s.steps() + ", threads " + s.threads();
    }

    private static List<String> options(SuiteCase c, GateSettings gate) {
        List<String> all = new ArrayList<>(c.options());
        all.addAll(gate.trainOptions());
        return all;
    }

    private static Golden.Settings settings(SuiteCase c, GateSettings gate) {
        return new Golden.Settings(c.config(), options(c, gate), gate.seed(), gate.steps(), gate.threads());
    }

    private static CaseId caseId(Materialized m, SuiteCase c, List<String> options) {
        CaseId named = CaseNaming.of(m.dir().resolve(c.config()), c.config(), options);
        return new CaseId(c.name(), named.model(), named.flavor(), named.config());
    }

    private static CaseResult error(CaseId id, String why) {
        List<MetricResult> metrics = new ArrayList<>();
        for (String m : METRICS) metrics.add(new MetricResult(m, Verdict.ERROR, null, null, null, 0, 0, 0, 0, why));
        RunInfo none = new RunInfo("test", List.of(), null, null, null, null, why, false, Map.of());
        return new CaseResult(id.name(), id.model(), id.flavor(), id.config(), Verdict.ERROR, why, null,
                new RunInfo("golden", List.of(), null, null, null, null, null, false, Map.of()), none, metrics);
    }

    private static CaseOutcome errorOutcome(CaseId id, String why) {
        return new CaseOutcome(error(id, why), "ERROR " + id.label() + ": " + why);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String show(Path p) {
        return console.show(p);
    }
}
