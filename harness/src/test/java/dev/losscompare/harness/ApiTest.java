package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.api.ExportResult;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.bisect.BisectRecord;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.gate.GoldenUpdate;
import dev.losscompare.harness.launch.LocalLauncher;
import dev.losscompare.harness.launch.RunHandle;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.harness.run.ActiveProcesses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API (harness.api) driven directly, as a program would: typed results, one-line errors as UsageException. */
class ApiTest {
    @TempDir
    Path tmp;
    FixtureRepo repo;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    LossCompare lc;

    @BeforeEach
    void setUp() throws Exception {
        repo = FixtureRepo.create(tmp);
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        lc = LossCompare.open(repo.dir, new Console(repo.dir, Map.of("LOSS_COMPARE_CACHE", repo.cache.toString()), ps, ps, false));
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    /** docs/architecture.md, "Java API": the example, exactly as it is written there. */
    @Test
    void theDocumentedExampleRuns() throws Exception {
        repo.write("lr.txt", "0.2\n");
        repo.commit("raise lr");
        Path repoDir = repo.dir;
        Path cache = repo.cache;
        Path out = tmp.resolve("example");
        // --- begin example (docs/architecture.md)
        LossCompare lc = LossCompare.open(repoDir).setCacheDir(cache);
        Comparison c = lc.compare("HEAD~1", "HEAD")
                .setSteps(5)
                .setTrainOptions(List.of("--training.seq_len=64"))
                .setOutputFolder(out)
                .call();
        for (CaseResult r : c.cases()) {
            System.out.println(r.verdict() + " " + r.name());
        }
        int exit = c.exitCode();   // 0 match, 1 differ, 2 could not decide
        // --- end example
        assertEquals(1, exit);
        assertEquals(Verdict.FAIL, c.cases().get(0).verdict());
        assertEquals(ComparisonKind.COMPARE, c.kind());
        assertEquals(2, c.cases().get(0).metrics().get(0).firstDivergentStep());
        assertTrue(Files.isRegularFile(out.resolve("comparison.json")));
    }

    /** The performance setters: the verdict comes back typed beside the numeric one, and a bad threshold is a UsageException. */
    @Test
    void comparesPerformanceThroughTheApi() throws Exception {
        repo.write("tps.txt", "1000\n");
        repo.write("memory.txt", "500000000\n");
        repo.commit("the trainer logs its speed and memory");
        repo.write("tps.txt", "700\n");
        repo.commit("the same numbers, 30% slower");
        Comparison c = lc.compare("HEAD~1", "HEAD").setSteps(6).setPerfRounds(2).setMaxSlowdown("10%")
                .setOutputFolder(tmp.resolve("perf")).call();
        assertEquals(1, c.exitCode(), out.toString());
        CaseResult r = c.cases().get(0);
        assertEquals(Verdict.PASS, r.verdict(), "the numbers are identical");
        assertEquals(dev.losscompare.core.perf.PerfStatus.FAIL, r.performance().status(), out.toString());
        assertEquals(2, r.performance().baseline().runs());
        var bad = assertThrows(UsageException.class, () -> lc.compare("HEAD~1", "HEAD").setMaxSlowdown("fast").call());
        // An API user reads the setter they called, never a flag they did not type.
        assertTrue(bad.getMessage().startsWith("setMaxSlowdown('fast') is not a percentage (e.g. setMaxSlowdown(10%))"), bad.getMessage());
    }

    @Test
    void exportThenImportAndDiffReturnTypedResults() throws Exception {
        Path losses = tmp.resolve("losses.txt");
        ExportResult exported = lc.export("HEAD", losses).setSteps(3).setOutputFolder(tmp.resolve("export")).call();
        assertEquals(0, exported.exitCode(), out.toString());
        assertEquals(3, exported.series().steps().size());
        assertEquals(3, Files.readAllLines(losses).size());

        Comparison imported = lc.compare(null, "HEAD").setImportResult(losses).setSteps(3).setOutputFolder(tmp.resolve("import")).call();
        assertEquals(ComparisonKind.IMPORT, imported.kind());
        assertEquals(0, imported.exitCode(), out.toString());

        Path series = tmp.resolve("import/llama3_debugmodel/test.jsonl");
        Comparison diff = lc.diff(series, series).setOutputFolder(tmp.resolve("diff")).call();
        assertEquals(ComparisonKind.DIFF, diff.kind());
        assertEquals(Verdict.PASS, diff.overall());
    }

    @Test
    void goldensAreRecordedThenCheckedThroughTheApi() throws Exception {
        repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
        repo.commit("suite");
        GoldenUpdate update = lc.updateGoldens().setOutputFolder(tmp.resolve("record")).call();
        assertEquals(0, update.exitCode(), out.toString());
        assertTrue(update.lines().get(0).startsWith("alpha: new golden -> "), update.lines().toString());
        Comparison gate = lc.gate().setCases(List.of("beta")).setOutputFolder(tmp.resolve("check")).call();
        assertEquals(ComparisonKind.GATE, gate.kind());
        assertEquals(Verdict.PASS, gate.overall(), out.toString());
        assertEquals(List.of("beta"), gate.cases().stream().map(CaseResult::name).toList());
    }

    @Test
    void bisectReadsAndChecksNgpus() throws Exception {
        repo.write("lr.txt", "0.2\n");
        repo.commit("raise lr");
        UsageException zero = assertThrows(UsageException.class, () -> lc.bisect("HEAD~1", "HEAD").setNgpus(0).call());
        assertEquals("setNgpus must be at least 1, got 0", zero.getMessage());
        // The command line's wording of the same rule (one table of flags and setters): what loss_compare.sh prints.
        LossCompare commandLine = LossCompare.open(repo.dir, new Console(repo.dir, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), false)).setWording(Wording.COMMAND_LINE);
        assertEquals("--ngpus must be at least 1, got 0",
                assertThrows(UsageException.class, () -> commandLine.bisect("HEAD~1", "HEAD").setNgpus(0).call()).getMessage());
        assertThrows(UsageException.class, () -> lc.bisect("HEAD~1", "HEAD").setNgpus(-1).call());

        BisectRecord found = lc.bisect("HEAD~1", "HEAD").setSteps(3).setNgpus(2).setJobs(1).setOutputFolder(tmp.resolve("b")).call();
        assertEquals("found", found.result(), out.toString());
        assertEquals(0, found.exitCode());
        // GOOD trained on two ranks, as --ngpus asked (the fixture records NGPU as the run's world_size).
        var good = MetricsFile.read(tmp.resolve("b/good/llama3_debugmodel/baseline.jsonl"));
        assertEquals("2", String.valueOf(good.meta().get("world_size")));
    }

    @Test
    void aSuiteCaseWithAMissingConfigNamesTheCaseAndTheSuiteAndConfigWithSuiteIsAnError() throws Exception {
        repo.write("suite.toml", "[[case]]\nname = \"gone\"\nconfig = \"configs/missing.toml\"\n");
        repo.commit("suite with a missing config");
        UsageException missing = assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSuite(Path.of("suite.toml")).setSteps(2).call());
        assertTrue(missing.getMessage().startsWith("case gone of suite suite.toml: config configs/missing.toml does not exist in revision HEAD ("),
                missing.getMessage());
        assertTrue(!missing.getMessage().contains("--config"), missing.getMessage());

        UsageException both = assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSuite(Path.of("suite.toml")).setConfig("configs/llama3_debug.toml").call());
        assertEquals("setConfig cannot be combined with setSuite: each case of suite.toml names its own config", both.getMessage());
    }

    @Test
    void aLogOfOneRankIsReadAsThatRankAndSaysSo() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int step = 1; step <= 3; step++) {
            log.append("[rank4]:[titan] 2025-10-01 12:00:00,000 - root - INFO - step: ").append(step)
                    .append("  loss: ").append(String.format(java.util.Locale.ROOT, "%.4f", 8.0 - step * 0.1)).append("  grad_norm: 1.5000\n");
        }
        Path a = tmp.resolve("rank4.log");
        Files.writeString(a, log.toString());
        Comparison c = lc.diff(a, a).setOutputFolder(tmp.resolve("one-rank")).call();
        assertEquals(Verdict.PASS, c.overall(), out.toString());
        assertTrue(out.toString().contains("note: rank4.log: step lines of rank 4 only, so rank 4 is read"), out.toString());

        Files.writeString(a, log.toString().replace("[rank4]", "[rank1]") + log.toString().replace("[rank4]", "[rank2]"));
        UsageException several = assertThrows(UsageException.class, () -> lc.diff(a, a).setOutputFolder(tmp.resolve("two")).call());
        assertTrue(several.getMessage().contains("(ranks with step lines: [1, 2]; choose one with the rank selector: setRank(N)"),
                several.getMessage());
    }

    /**
     * The one table of setting words names setters a program can call (and the command line's flags
     * for them): an API message never points to a method that does not exist.
     */
    @Test
    void everySettingsWordsNameARealSetterAndAFlag() {
        List<Class<?>> api = List.of(LossCompare.class, dev.losscompare.harness.api.Compare.class, dev.losscompare.harness.api.Gate.class,
                dev.losscompare.harness.api.UpdateGoldens.class, dev.losscompare.harness.api.Export.class,
                dev.losscompare.harness.api.Diff.class, dev.losscompare.harness.api.Bisect.class, dev.losscompare.harness.api.Calibrate.class);
        for (dev.losscompare.core.text.Setting s : dev.losscompare.core.text.Setting.values()) {
            String setter = Wording.API.name(s).replaceFirst("^LossCompare\\.", "").replaceFirst("\\(.*\\)$", "");
            assertTrue(api.stream().flatMap(c -> java.util.Arrays.stream(c.getMethods())).anyMatch(m -> m.getName().equals(setter)),
                    s + ": no API method " + setter);
            assertTrue(Wording.COMMAND_LINE.name(s).startsWith("--"), s + ": " + Wording.COMMAND_LINE.name(s));
        }
        assertEquals("setRank(N)", Wording.API.withValue(dev.losscompare.core.text.Setting.RANK, "N"));
        assertEquals("--rank=N", Wording.COMMAND_LINE.withValue(dev.losscompare.core.text.Setting.RANK, "N"));
        // the verbs a message points to: a real method of LossCompare, and a command line
        for (Wording.Call c : Wording.Call.values()) {
            String method = Wording.API.call(c, "A", "B").replaceFirst("\\(.*\\)$", "");
            assertTrue(java.util.Arrays.stream(LossCompare.class.getMethods()).anyMatch(m -> m.getName().equals(method)), c + ": no method " + method);
            assertTrue(Wording.COMMAND_LINE.line(c, "A", "B").startsWith("./loss_compare.sh "), c.toString());
        }
    }

    /**
     * Messages that point to a verb or to several settings name what a program calls (the command
     * line's text is UsageTest's and GateFixtureTest's, byte for byte), and say which setting they
     * were about without being parsed.
     */
    @Test
    void messagesNameTheCallsAProgramMakesAndTheirSetting() throws Exception {
        UsageException two = assertThrows(UsageException.class, () -> lc.compare("HEAD", null).call());
        assertEquals("need two revisions: compare(BASELINE, TEST)", two.getMessage());
        UsageException rev = assertThrows(UsageException.class, () -> lc.calibrate(null).call());
        assertEquals("name the revision to calibrate: calibrate(REV) (or setFromRuns(A, B, C))", rev.getMessage());
        repo.write("envelope.json", "{}");
        UsageException save = assertThrows(UsageException.class,
                () -> lc.calibrate("HEAD").setVerify(Path.of("envelope.json")).setSaveDir(tmp.resolve("saved")).call());
        assertEquals("setVerify judges fresh runs against saved envelopes and writes none: drop setSaveDir", save.getMessage());
        assertEquals(dev.losscompare.core.text.Setting.VERIFY, save.setting());

        Path goldens = Files.createDirectories(tmp.resolve("goldens"));
        Files.writeString(goldens.resolve("alpha.json"), "{\"schema_version\": 1, \"case");
        UsageException unreadable = assertThrows(UsageException.class, () -> new dev.losscompare.harness.gate.GoldenStore(goldens, Wording.API).read("alpha"));
        assertTrue(unreadable.getMessage().endsWith("); restore it from git or rerun updateGoldens()"), unreadable.getMessage());
        assertEquals(UsageException.Reason.FILE, unreadable.reason());
        UsageException cli = assertThrows(UsageException.class, () -> new dev.losscompare.harness.gate.GoldenStore(goldens, Wording.COMMAND_LINE).read("alpha"));
        assertTrue(cli.getMessage().endsWith("); restore it from git or rerun gate --update"), cli.getMessage());

        assertEquals("calibrate its noise (calibrate(HEAD~1) with the same options) and bisect with setNoise",
                dev.losscompare.harness.noise.BaselineRepeat.calibrateHint("HEAD~1", "bisect", Wording.API));
        assertEquals("calibrate its noise (./loss_compare.sh calibrate HEAD~1 with the same options) and bisect with --noise",
                dev.losscompare.harness.noise.BaselineRepeat.calibrateHint("HEAD~1", "bisect", Wording.COMMAND_LINE));
        assertEquals("updateGoldens()", Wording.API.line(Wording.Call.UPDATE_GOLDENS));
        assertEquals("./loss_compare.sh gate --update", Wording.COMMAND_LINE.line(Wording.Call.UPDATE_GOLDENS));
    }

    /** Bad input says which kind of input was wrong, so a program can tell them apart without reading the message. */
    @Test
    void badInputSaysWhichKindOfInputWasWrong() throws Exception {
        UsageException steps = assertThrows(UsageException.class, () -> lc.compare("HEAD", "HEAD").setSteps(0).call());
        assertEquals(UsageException.Reason.OPTION, steps.reason(), steps.getMessage());
        UsageException suite = assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSuite(Path.of("missing.toml")).setSteps(1).call());
        assertEquals(UsageException.Reason.FILE, suite.reason(), suite.getMessage());
        UsageException revision = assertThrows(UsageException.class, () -> lc.compare("HEAD", "no-such-revision").setSteps(1).call());
        assertEquals(UsageException.Reason.REVISION, revision.reason(), revision.getMessage());
        // ... and which setting it was about: the one to change, typed (null when it was about none)
        assertEquals(Setting.STEPS, steps.setting());
        assertEquals(Setting.SUITE, suite.setting());
        assertEquals(null, revision.setting());
        assertEquals(Setting.NGPUS, assertThrows(UsageException.class, () -> lc.bisect("HEAD", "HEAD").setNgpus(0).call()).setting());
        repo.write("suite.toml", "[[case]]\nname = \"a\"\nconfig = \"configs/llama3_debug.toml\"\n");
        assertEquals(Setting.CONFIG, assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSuite(Path.of("suite.toml")).setConfig("configs/llama3_debug.toml").call()).setting());
        assertEquals(Setting.MAX_SLOWDOWN, assertThrows(UsageException.class, () -> lc.compare("HEAD", "HEAD").setMaxSlowdown("fast")).setting());
        assertEquals(Setting.OUTPUT_FOLDER, assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSteps(1).setOutputFolder(Path.of("README.md/out")).call()).setting());
        assertEquals(Setting.FROM_RUNS, assertThrows(UsageException.class,
                () -> lc.calibrate(null).setFromRuns(List.of(Path.of("a.jsonl"), Path.of("b.jsonl"))).call()).setting());
    }

    /**
     * Each call runs through its own LossCompare's launcher: two instances with different launchers
     * at once (each one's first run waits until the other's has started) see only their own runs.
     */
    @Test
    void twoInstancesAtOnceEachRunThroughTheirOwnLauncher() throws Exception {
        try (FixtureRepo other = FixtureRepo.create(tmp.resolve("other"))) {
            CyclicBarrier bothRunning = new CyclicBarrier(2);
            RecordingLauncher mine = new RecordingLauncher(bothRunning);
            RecordingLauncher theirs = new RecordingLauncher(bothRunning);
            LossCompare second = LossCompare.open(other.dir, new Console(other.dir, Map.of("LOSS_COMPARE_CACHE", other.cache.toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), false));
            Path outA = tmp.resolve("a");
            Path outB = tmp.resolve("b");
            CompletableFuture<Comparison> a = CompletableFuture.supplyAsync(() -> call(() ->
                    lc.setLauncher(mine).compare("HEAD", "HEAD").setSteps(2).setJobs(1).setOutputFolder(outA).call()));
            CompletableFuture<Comparison> b = CompletableFuture.supplyAsync(() -> call(() ->
                    second.setLauncher(theirs).compare("HEAD", "HEAD").setSteps(2).setJobs(1).setOutputFolder(outB).call()));
            assertEquals(0, a.get(2, TimeUnit.MINUTES).exitCode(), out.toString());
            assertEquals(0, b.get(2, TimeUnit.MINUTES).exitCode(), out.toString());
            // Each comparison's seed checkpoint and baseline run (its test side, the same content, reuses that run), through its own launcher only.
            assertEquals(2, mine.logs.size(), mine.logs.toString());
            assertEquals(2, theirs.logs.size(), theirs.logs.toString());
            assertTrue(mine.logs.stream().allMatch(l -> l.startsWith(outA) || l.startsWith(repo.cache)), mine.logs.toString());
            assertTrue(theirs.logs.stream().allMatch(l -> l.startsWith(outB) || l.startsWith(other.cache)), theirs.logs.toString());
            // A launcher given to setLauncher is its maker's: a call never closes it.
            assertEquals(0, mine.closed.get() + theirs.closed.get());
        }
    }

    /**
     * A suite whose [launcher] table names Slurm is read by the API itself: without a shared dir it
     * is refused before anything runs; with one, the runs are sbatch jobs (a job sbatch refuses, as
     * here without a controller or for an unknown partition, is the case's ERROR) and the cache is
     * the shared dir's. Needs sbatch on PATH, no running Slurm.
     */
    @Test
    void aSuitesLauncherTableChoosesSlurmThroughTheApi() throws Exception {
        repo.write("suite.toml", "[launcher]\npartition = \"gpu\"\n\n[[case]]\nname = \"a\"\nconfig = \"configs/llama3_debug.toml\"\n");
        repo.commit("a suite that runs on Slurm, without a shared dir");
        UsageException noShared = assertThrows(UsageException.class,
                () -> lc.compare("HEAD", "HEAD").setSuite(Path.of("suite.toml")).setSteps(2).call());
        assertTrue(noShared.getMessage().contains("needs setSharedDir(DIR) (or shared_dir in the suite's [launcher] table)"), noShared.getMessage());

        Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "sbatch"))), "sbatch is not installed");
        repo.write("suite.toml", "[launcher]\nshared_dir = \"../shared\"\nsbatch_args = [\"--partition=no_such_partition_33\"]\n\n"
                + "[[case]]\nname = \"a\"\nconfig = \"configs/llama3_debug.toml\"\n");
        repo.commit("the suite's shared dir");
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        LossCompare noCacheChosen = LossCompare.open(repo.dir, new Console(repo.dir, Map.of("HOME", tmp.toString()), ps, ps, false));
        int hooks = ActiveProcesses.extraStops();
        Comparison c = noCacheChosen.compare("HEAD", "HEAD").setSuite(Path.of("suite.toml")).setSteps(2)
                .setOutputFolder(tmp.resolve("shared/out")).call();
        // The launcher the call made for itself went with the call, and with it its Ctrl-C hook.
        assertEquals(hooks, ActiveProcesses.extraStops(), "a Slurm launcher's Ctrl-C hook left behind by a finished call");
        assertEquals(Verdict.ERROR, c.cases().get(0).verdict(), out.toString());
        assertTrue(out.toString().contains("launcher: slurm, shared dir "), out.toString());
        assertTrue(out.toString().contains("sbatch refused the job"), out.toString());
        assertTrue(Files.isDirectory(tmp.resolve("shared/jobs")), "job files under the table's shared_dir");
        assertTrue(Files.isDirectory(tmp.resolve("shared/cache/revisions")), "the cache under the shared dir");
    }

    private interface ApiCall<T> {
        T call() throws Exception;
    }

    private static <T> T call(ApiCall<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** Starts runs here as the local launcher does and keeps their logs; its first run waits until the other launcher's has started. */
    private static final class RecordingLauncher implements RunLauncher {
        final List<Path> logs = new CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();
        private final CyclicBarrier bothRunning;
        private final AtomicBoolean first = new AtomicBoolean(true);

        RecordingLauncher(CyclicBarrier bothRunning) {
            this.bothRunning = bothRunning;
        }

        @Override
        public RunHandle start(Launch launch, Path log, Duration timeout) throws IOException {
            if (first.getAndSet(false)) {
                try {
                    bothRunning.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IOException("the other call never started a run through its own launcher", e);
                }
            }
            logs.add(log);
            return LocalLauncher.INSTANCE.start(launch, log, timeout);
        }

        @Override
        public boolean startsAllAtOnce() {
            return false;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }

        @Override
        public boolean runsBuilds() {
            return false;
        }
    }
}
