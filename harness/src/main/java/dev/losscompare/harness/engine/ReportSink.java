package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.diagnose.DiagnoseMode;
import dev.losscompare.harness.diagnose.Diagnoser;
import dev.losscompare.harness.diagnose.TracedSide;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sink of compare, --import-result, gate and diff: judges each case, runs its checks (resume,
 * performance) and diagnoses it (compare), and at the end makes the {@link Comparison}, its result.
 * What is shown and written (step tables, verdict lines, the reports) is {@link ReportRendering}'s.
 */
public final class ReportSink implements CaseEngine.CaseSink<Comparison> {
    /** What the report header records besides the cases: the config or suite shown, and when the comparison started. */
    public record Header(String configLabel, Instant started) {}

    private final CaseJudging judging;
    private final Header header;
    private final DiagnoseMode diagnoseMode;   // null: no diagnosis at all (gate, diff, bisect's culprit report)
    private final List<Judgement> judgements = new ArrayList<>();
    private final List<CaseSpec> seen = new ArrayList<>();
    private final List<CaseCheck> checks = new ArrayList<>();   // the resume check (compare, gate), the performance verdict

    public ReportSink(Judging judging, Header header, DiagnoseMode diagnoseMode) {
        this.judging = new CaseJudging(judging);
        this.header = header;
        this.diagnoseMode = diagnoseMode;
    }

    /** Whether any trained side ran (or came from the cache): no "initial weights" line when every build or seed failed. */
    private boolean trainedAny;

    /**
     * Run {@code check} (the resume check, the performance verdict) on each judged case, in the
     * order added, before its diagnosis.
     */
    public ReportSink check(CaseCheck check) {
        checks.add(check);
        return this;
    }

    @Override
    public void begin(CaseEngine.Plan plan, CaseSpec c, String buildError) {
        seen.add(c);
        if (plan.cases().size() > 1) plan.session().console().out().println("== " + c.id().label());
    }

    @Override
    public void accept(CaseEngine.CaseRun run) throws IOException {
        CaseEngine.Plan p = run.plan();
        trainedAny |= p.baseline().trained() != null && run.baseline() != null || p.test().trained() != null && run.test() != null;
        CaseJudging.Decision d = judging.judge(run);
        Judgement j = d.judgement();
        if (d.compared()) {
            for (CaseCheck check : checks) j = check.apply(run, j);
            j = diagnose(run, j);
            ReportRendering.stepTables(run.plan(), j, run.caseDir());
        }
        judgements.add(j);
    }

    private Judgement diagnose(CaseEngine.CaseRun run, Judgement j) throws IOException {
        CaseEngine.Plan plan = run.plan();
        TrainedSide b = plan.baseline().trained(), t = plan.test().trained();
        if (diagnoseMode == null || b == null || t == null) return j;
        TracedSide base = traced(run, b), test = traced(run, t);
        TrainedSide seeder = plan.seeds().seeder();
        TracedSide seededBy = seeder == b ? base : seeder == t ? test : seeder == null ? null : traced(run, seeder);
        return new Diagnoser(diagnoseMode, plan.jobs(), plan.session().console(), Interrupted::new)
                .apply(run.c().id(), run.caseDir(), j, plan.training().steps(), base, test, run.seed().file(), seededBy);
    }

    private static TracedSide traced(CaseEngine.CaseRun run, TrainedSide side) {
        return new TracedRerun(run.plan().session(), run.plan().training(), side, run.c(), run.seed());
    }

    @Override
    public Comparison finish(CaseEngine.Plan plan) throws IOException {
        Console console = plan.session().console();
        List<CaseResult> results = judgements.stream().map(Judgement::result).toList();
        List<String> metrics = results.size() == 1 && !results.get(0).metrics().isEmpty()
                ? results.get(0).metrics().stream().map(m -> m.metric()).toList() : judging.judging().metrics();
        Training t = plan.training();
        ComparisonKind kind = plan.baseline().kind();
        Comparison c = new Comparison(Comparison.SCHEMA_VERSION, kind, plan.baseline().describe(),
                plan.test().describe(), header.configLabel(), t.steps(), t.seed(), t.threads(), metrics, judging.judging().mode(),
                header.started().toString(), Duration.between(header.started(), Instant.now()).toMillis() / 1000.0, results);
        TrainedSide trained = plan.test().trained() != null ? plan.test().trained() : plan.baseline().trained();
        TrainedSide seeder = plan.seeds().seeder();
        if (trained != null) c = c.withRunInputs(trained.tree().linked().fingerprints(), Comparison.initialization(
                seeder == null ? null : seeder.role().word() + " " + seeder.tree().revision().spec(), t.seed()));
        c = c.withEnvironments(SideEnvironments.of(plan, results));
        ReportRendering.show(console, plan.session().out(), c, judgements, this::label, trainedAny);
        return c;
    }

    private String label(CaseResult r) {
        return seen.stream().filter(c -> c.id().name().equals(r.name())).findFirst().map(c -> c.id().label()).orElse(r.name());
    }
}
