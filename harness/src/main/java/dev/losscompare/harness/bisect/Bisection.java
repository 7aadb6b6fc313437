package dev.losscompare.harness.bisect;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.text.Durations;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.Wording;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Interrupted;
import dev.losscompare.harness.engine.Judging;
import dev.losscompare.harness.engine.RecordedSide;
import dev.losscompare.harness.engine.ReportSink;
import dev.losscompare.harness.perf.CommandLineWords;
import dev.losscompare.harness.perf.PerfStage;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.gate.GoldenBaseline;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.noise.BaselineRepeat;
import dev.losscompare.harness.run.Futures;
import dev.losscompare.harness.suite.GateSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code bisect GOOD BAD}: the reference (GOOD's runs, trained once, or the goldens), then rounds
 * of probes chosen by {@link Search} (k at once with --jobs=k), each printed as it finishes, then
 * the result and, for a culprit, the full report of its parent vs it (every run restored from the
 * result cache). The probes' own output (builds, progress) goes to DIR/bisect.log.
 * Exit: 0 found or no change, 2 could not decide (130 on Ctrl-C: {@link Interrupted}).
 * Longer than the harness's other classes on purpose: it is the one place where the whole
 * search is told in order (reference, rounds, result, record); the search arithmetic
 * ({@link Search}), one probe ({@link Prober}) and the record ({@link BisectRecord}) live apart.
 */
public final class Bisection {
    /** Against the goldens instead of GOOD's runs: the store and the suite's [gate] settings. */
    public record Goldens(GoldenStore store, GateSettings gate) {}

    /** What the user asked: the range by its names, how many probes at once, the report's config label, how its bad input names settings. */
    public record Request(String goodSpec, String badSpec, int jobs, boolean seedCheckpoint, String configLabel, Goldens goldens, Wording wording) {}

    private final Console console;
    private final Workspace ws;
    private final Path out;
    private final FirstParentPath.Range range;
    private final Prober.Plan plan;
    private final Request request;
    private final Instant started = Instant.now();
    private final List<BisectRecord.ProbeEntry> entries = new ArrayList<>();
    private final Map<String, Probe> probes = new HashMap<>();
    private final Materialized goodTree;
    private TrainedSide goodRevision;

    /**
     * @param ws       a workspace whose console writes to DIR/bisect.log; {@code console} is the user's
     * @param goodTree GOOD, materialized (its configs checked, the cases named from it)
     */
    public Bisection(Console console, Workspace ws, Path out, FirstParentPath.Range range, Materialized goodTree, Prober.Plan plan,
                     Request request) {
        this.console = console;
        this.goodTree = goodTree;
        this.ws = ws;
        this.out = out;
        this.range = range;
        this.plan = plan;
        this.request = request;
    }

    public BisectRecord run() throws IOException {
        PrintStream o = console.out();
        o.println("bisect " + request.goodSpec() + ".." + request.badSpec() + ": " + plural(range.commits().size(), "commit")
                + " on the first-parent path; " + caseNames() + "; " + describeReference() + "; "
                + (request.jobs() == 1 ? "one probe at a time" : request.jobs() + " probes at once"));
        o.println("probe log: " + console.show(out.resolve("bisect.log")));
        boolean seeded = request.seedCheckpoint() && request.goldens() == null;
        goodRevision = plan.side(Role.BASELINE, goodTree);
        Session goodSession = ws.session(out.resolve("good"), plan.useResultCache(), plan.buildTimeout());
        try (Seeds seeds = Seeds.by(seeded ? goodRevision : null, goodSession, plan.training())) {
            RecordedSide reference = request.goldens() == null ? trainGood(goodSession, seeds) : checkGoodAgainstGoldens(goodSession);
            Prober prober = new Prober(ws, plan, reference, request.goldens() == null ? seeds : Seeds.none(), goodRevision);
            Search search = new Search(range.commits().size());
            int rounds = search(prober, search);
            return finish(prober, search, rounds);
        }
    }

    /** GOOD's runs, once per case, from GOOD's own seed checkpoint (kept for the probes); GOOD must build and finish cleanly. */
    private RecordedSide trainGood(Session session, Seeds seeds) throws IOException {
        long start = System.nanoTime();
        String good = "GOOD " + request.goodSpec() + " (" + range.good().shortId() + ")";
        CaseEngine.Plan training = new CaseEngine.Plan(session, plan.training(), goodRevision, null, plan.cases(), seeds, 1);
        Map<String, SideResult> runs = CaseEngine.run(training, new CaseEngine.CaseSink<>() {
            private final Map<String, SideResult> byCase = new HashMap<>();

            @Override
            public void begin(CaseEngine.Plan p, CaseSpec c, String buildError) {
                if (buildError != null) {
                    throw new UsageException(UsageException.Reason.REVISION, good + " does not build, so there is nothing to compare with: " + buildError);
                }
            }

            @Override
            public void accept(CaseEngine.CaseRun run) throws IOException {
                if (run.error() != null) throw new UsageException(UsageException.Reason.REVISION, good + ": " + run.error());
                String unusable = run.unusable("GOOD");
                if (unusable != null) {
                    throw new UsageException(UsageException.Reason.REVISION, good + " could not train " + run.c().id().label()
                            + ", so there is nothing to compare with: " + unusable);
                }
                checkRepeatsItself(run, good);
                byCase.put(run.c().id().name(), run.only());
            }

            @Override
            public Map<String, SideResult> finish(CaseEngine.Plan p) {
                return byCase;
            }
        });
        boolean allCached = runs.values().stream().allMatch(r -> r.info().fromCache());
        console.out().println("good " + range.good().shortId() + " " + quoted(range.good()) + ": "
                + (allCached ? "from cache" : "trained") + " (" + Durations.human(seconds(start)) + ")");
        return new GoodRuns(range.good().toRevision().toModel(), runs, goodRevision.ownTrainer());
    }

    /**
     * A bitwise search needs a trainer that repeats itself bitwise: on one that does not (a GPU),
     * every probe would differ from GOOD's runs and the first commit of the range, which only drew
     * other noise, would be the answer. So GOOD runs once more (calibrate's "repeat 1", through the
     * result cache), and where its two runs differ the bisect stops before probing (exit 2), saying
     * how far they parted and to calibrate. Within noise (--noise) or by performance nothing is checked.
     */
    private void checkRepeatsItself(CaseEngine.CaseRun run, String good) throws IOException {
        Judging judging = plan.judging();
        if (plan.byPerformance() || judging.noise() != null || !judging.mode().isBitwise()
                || BaselineRepeat.knownBitwise(goodRevision, run.only())) {
            return;
        }
        console.out().println("checking that " + good + " repeats itself bitwise: training " + run.c().id().label() + " once more ...");
        BaselineRepeat.Measured m = BaselineRepeat.measure(run, goodRevision, run.only(), judging.metrics());
        if (m.error() != null) throw new UsageException(UsageException.Reason.REVISION, good + ": its second run of " + run.c().id().label() + " failed: " + m.error());
        if (m.noise().bitwise()) return;
        throw new UsageException(UsageException.Reason.REVISION, good + " does not repeat itself bitwise on " + run.c().id().label() + " (" + m.noise().describe()
                + "), so a bitwise bisect would blame a commit that only drew other noise: "
                + BaselineRepeat.calibrateHint(request.goodSpec(), "bisect", request.wording()));
    }

    /** Against the goldens, GOOD itself must pass the gate, or the search has no good end. */
    private RecordedSide checkGoodAgainstGoldens(Session session) throws IOException {
        GoldenBaseline goldens = new GoldenBaseline(request.goldens().store(), request.goldens().gate(), false, session);
        goldens.requireUsable(plan.cases());
        Prober checker = new Prober(ws, plan, goldens, Seeds.none(), goodRevision);
        Probe p = checker.probe(-1, range.good(), out.resolve("good"));
        String good = "GOOD " + request.goodSpec() + " (" + range.good().shortId() + ")";
        if (p.outcome() == Search.Outcome.DIFFERS) {
            throw new UsageException(UsageException.Reason.REVISION, good + " already fails the gate (" + p.changedCasesShort()
                    + "); bisect needs a GOOD that passes: pick an older one, or re-record the goldens");
        }
        if (p.outcome() == Search.Outcome.SKIPPED) {
            throw new UsageException(UsageException.Reason.REVISION, good + " could not be checked against the goldens: " + p.reason());
        }
        console.out().println("good " + range.good().shortId() + " " + quoted(range.good()) + ": passes the gate ("
                + Durations.human(p.seconds()) + ")");
        return goldens;
    }

    /** Rounds of probes until the search is decided; returns the number of rounds. */
    private int search(Prober prober, Search search) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(request.jobs(), r -> {
            Thread t = new Thread(r, "loss_compare-probe");
            t.setDaemon(true);
            return t;
        });
        int rounds = 0;
        int probed = 0;
        try {
            while (!search.decided()) {
                List<Integer> points = search.next(request.jobs());
                rounds++;
                if (points.size() > 1) {
                    console.out().println("round " + rounds + ": probing " + String.join(", ",
                            points.stream().map(i -> range.commits().get(i).shortId()).toList()));
                }
                CompletionService<Probe> done = new ExecutorCompletionService<>(pool);
                for (int i : points) {
                    Commit c = range.commits().get(i);
                    done.submit(() -> prober.probe(i, c, out.resolve("probes").resolve(c.shortId())));
                }
                java.util.Set<Integer> running = new java.util.HashSet<>(points);
                for (int k = 0; k < points.size(); k++) {
                    Probe p = take(done);
                    running.remove(p.index());
                    search.record(p.index(), p.outcome());
                    probes.put(p.commit().id(), p);
                    entries.add(BisectRecord.entry(rounds, p));
                    probed++;
                    console.out().println("probe " + probed + ": " + p.commit().shortId() + " " + quoted(p.commit()) + ": "
                            + outcome(p) + " (" + Durations.human(p.seconds()) + ")" + left(search, running));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return rounds;
    }

    private String left(Search search, java.util.Set<Integer> running) {
        int left = search.probesLeft(request.jobs(), running);
        return left == 0 ? "" : "; ~" + plural(left, "probe") + " left";
    }

    private static Probe take(CompletionService<Probe> done) throws IOException {
        try {
            return Futures.await(done.take(), Interrupted::new);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
    }

    private static String outcome(Probe p) {
        return switch (p.outcome()) {
            case SAME -> "same";
            case DIFFERS -> "differs (" + p.changedCasesShort() + ")";
            case SKIPPED -> "skipped: " + p.reason();
        };
    }

    private BisectRecord finish(Prober prober, Search search, int rounds) throws IOException {
        List<Commit> commits = range.commits();
        int answer = search.answer();
        String summary = plural(entries.size(), "probe") + " in " + plural(rounds, "round") + ", " + Durations.human(seconds(started));
        if (answer == commits.size()) {
            console.out().println("no change in " + request.goodSpec() + ".." + request.badSpec() + ": BAD " + commits.get(answer - 1).shortId()
                    + (plan.byPerformance() ? "'s performance does not FAIL against " + (request.goldens() == null ? "GOOD" : "the goldens")
                    : "'s series match " + referenceName()) + " (" + summary + ")");
            return record(rounds, "no_change", null, List.of(), List.of(), null, null);
        }
        if (answer < 0) return undecided(search, rounds, summary);
        Commit culprit = commits.get(answer);
        Probe probe = probeOf(culprit);
        PrintStream o = console.out();
        o.println((plan.byPerformance() ? "first commit whose performance FAILs: " : "first commit that moved the numbers: ")
                + culprit.shortId() + " " + quoted(culprit));
        o.println("  commit  " + culprit.id());
        o.println("  author  " + culprit.author());
        o.println("  date    " + culprit.date());
        for (String change : probe.changes()) o.println("  " + change);
        o.println(summary);
        Materialized parentTree = answer == 0 ? goodTree : prober.tree(answer - 1);
        Commit parent = answer == 0 ? range.good() : commits.get(answer - 1);
        String report = report(parentTree, prober.tree(answer));
        o.println("report (parent " + parent.shortId() + " vs " + culprit.shortId() + "): " + console.show(out.resolve(report)));
        return record(rounds, "found", culprit, probe.changes(), List.of(), null, report);
    }

    private BisectRecord undecided(Search search, int rounds, String summary) throws IOException {
        PrintStream e = console.err();
        List<Commit> candidates = search.candidates().stream().map(range.commits()::get).toList();
        e.println("could not decide: the first commit that moved the numbers is one of these " + candidates.size()
                + " (skipped commits could not be tested; " + summary + ")");
        for (Commit c : candidates) {
            Probe p = probeOfOrNull(c);
            e.println("  " + c.shortId() + " " + quoted(c) + (p == null ? "" : ": " + outcome(p)));
        }
        if (search.noneStillPossible()) e.println("  or none of them: BAD's series could not be compared");
        return record(rounds, "undecided", null, List.of(), candidates, search.noneStillPossible(), null);
    }

    /** The compare of parent vs culprit, as `compare` would write it; every run comes from the result cache when it is on. */
    private String report(Materialized parentTree, Materialized culpritTree) throws IOException {
        Path dir = out.resolve("culprit");
        Session session = ws.session(dir, plan.useResultCache(), plan.buildTimeout());
        TrainedSide parent = plan.side(Role.BASELINE, parentTree);
        TrainedSide culprit = plan.side(Role.TEST, culpritTree);
        Judging judging = request.goldens() == null ? plan.judging()
                : new Judging(ComparisonMode.bitwise(), plan.judging().metrics(), plan.judging().metricsGiven());
        boolean seeded = request.seedCheckpoint() && request.goldens() == null;
        try (Seeds seeds = Seeds.by(seeded ? goodRevision : null, session, plan.training())) {
            CaseEngine.run(new CaseEngine.Plan(session, plan.training(), parent, culprit, plan.cases(), seeds, Math.min(2, request.jobs())),
                    new ReportSink(judging, new ReportSink.Header(request.configLabel(), Instant.now()), null)
                            .check(new ResumeStage(plan.resume()))     // a culprit of resuming shows as one in its report
                            .check(new PerfStage(plan.perf())));       // and a culprit of speed or memory as one
        }
        return "culprit/report.html";
    }

    private BisectRecord record(int rounds, String result, Commit culprit, List<String> changes, List<Commit> candidates,
                        Boolean noneStillPossible, String report) throws IOException {
        Commit bad = range.bad();
        BisectRecord record = new BisectRecord(BisectRecord.SCHEMA_VERSION, request.goodSpec(), range.good().id(), request.badSpec(), bad.id(),
                describeReference(), criterion(), plan.cases().stream().map(c -> c.id().name()).toList(),
                plan.training().steps(), request.jobs(), range.commits().size(), entries, rounds, result,
                culprit == null ? null : BisectRecord.CommitEntry.of(culprit), changes,
                candidates.stream().map(BisectRecord.CommitEntry::of).toList(), noneStillPossible, report,
                Math.round(seconds(started) * 10) / 10.0);
        record.write(out);
        return record;
    }

    /** bisect.json's mode: how a probe was judged (its numbers, or its performance against the thresholds). */
    private String criterion() {
        if (!plan.byPerformance()) return plan.judging().describe();
        var t = plan.perf().thresholds();
        return "performance (" + CommandLineWords.PERF.thresholdsAsRead(t) + ", " + plan.perf().rounds() + " rounds per probe)";
    }

    private Probe probeOf(Commit c) {
        Probe p = probeOfOrNull(c);
        if (p == null) throw new IllegalStateException("the culprit was never probed: " + c.id());
        return p;
    }

    private Probe probeOfOrNull(Commit c) {
        return probes.get(c.id());
    }

    private String caseNames() {
        List<String> names = plan.cases().stream().map(c -> c.id().label()).toList();
        return (names.size() == 1 ? "case " : "cases ") + String.join(", ", names);
    }

    private String describeReference() {
        if (request.goldens() == null) return "against GOOD's runs, " + plan.judging().describe();
        return "against the goldens in " + console.show(request.goldens().store().dir());
    }

    private String referenceName() {
        return request.goldens() == null ? "GOOD's" : "the goldens";
    }

    private static String quoted(Commit c) {
        String s = c.subject();
        return "\"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double seconds(Instant start) {
        return java.time.Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
