package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input: one line on stderr naming the problem, exit 2, nothing run. */
class UsageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HEAD                                   | need two revisions",
        "HEAD HEAD --steps=0                    | --steps must be at least 1",
        "HEAD HEAD --steps=abc                  | Invalid value for option '--steps'",
        "HEAD HEAD --atol=1e-3 --assert-equal   | --assert-equal (bitwise) cannot be combined",
        "HEAD HEAD --atol=-1                    | --atol and --rtol must be finite and >= 0",
        "HEAD HEAD --timeout=soon               | 'soon' is not a duration",
        "HEAD HEAD --bogus                      | Unknown option: '--bogus'",
        "HEAD HEAD --max-slowdown=fast          | --max-slowdown='fast' is not a percentage (e.g. --max-slowdown=10%)",
        "HEAD HEAD --max-memory-growth=-5%      | --max-memory-growth='-5%' must be a percentage >= 0",
        "HEAD HEAD --perf-rounds=1              | --perf-rounds=1: at least 2 rounds per side are needed to measure the noise",
        "HEAD --export-result=x --perf          | --export-result trains one side only: a performance verdict needs two",
        "HEAD HEAD --metrics=loss,,x-y          | --metrics: 'loss,,x-y' has an empty metric name",
        "HEAD HEAD --jobs=0                     | --jobs must be at least 1",
        "HEAD HEAD --export-result=a --import-result=b | --export-result and --import-result cannot be used together",
        "HEAD HEAD --import-result=missing.txt  | --import-result: no such file",
        "HEAD HEAD --suite=missing.toml         | --suite: no such file",
        "HEAD HEAD --cases=llama3               | --cases needs --suite=FILE",
        "HEAD HEAD --suite=s.toml --export-result=x | --suite compares two revisions",
        "HEAD HEAD --train-options='--a=\"x     | unterminated",
        "gate --suite=missing.toml              | --suite: no such file",
        "calibrate HEAD --runs=1                | --runs must be at least 2 (perturbed runs besides the reference;",
        "calibrate HEAD --held-out=-1           | --held-out takes 0..500 (their seeds must stay apart from the band's and --verify's), got -1",
        "calibrate HEAD --runs=501              | --runs takes 2..500 (the held-out runs' seeds start past them), got 501",
        "calibrate                              | name the revision to calibrate",
        "calibrate --from-runs a.jsonl b.jsonl  | --from-runs needs the reference and at least 2 more runs (got 2)",
        "calibrate HEAD --save-dir=x            | --save-dir needs --save",
        "HEAD HEAD --noise=missing              | --noise: no such file or folder",
        "HEAD HEAD --noise-margin=2             | --noise-margin needs --noise=FILE",
        "gate --calibrate                       | --calibrate records envelopes with the goldens: use gate --update --calibrate",
        // Every option, file and envelope is checked before anything is trained or written (issue 31).
        "gate --update --calibrate --runs=1     | --runs must be at least 2",
        "gate --runs=3                          | --runs counts the perturbed runs of --calibrate",
        "gate --held-out=2                      | --held-out counts the held-out runs of --calibrate",
        "gate --update --calibrate --held-out=-1 | --held-out takes 0..500",
        "gate --update --noise=configs/noise    | --noise with --update names where --calibrate writes the envelopes",
        "gate --update --noise-margin=2         | --noise-margin applies to checking goldens, not to --update",
        "gate --noise=README.md                 | README.md: not a noise envelope (Unrecognized token 'fixture'",
        "gate --noise=cut.json                  | cut.json: not a noise envelope (Unexpected end-of-input",
        "HEAD HEAD --noise=README.md            | README.md: not a noise envelope",
        "HEAD HEAD --noise=negative.json        | negative.json: the band of loss at step 2 is -1.0 (a band is a finite distance >= 0)",
        "HEAD HEAD --noise=short.json --steps=9 | short.json: the noise envelope covers steps 1..3 and this comparison runs 9",
        "HEAD HEAD --noise=short.json --steps=3 --seed=7 | short.json: the noise envelope was calibrated for another run (seed 42, not 7)",
        "HEAD HEAD --noise=configs --steps=3    | llama3_debugmodel.json for case llama3_debugmodel; calibrate it",
        "HEAD HEAD --max-slowdown=0.1           | --max-slowdown=0.1 is ambiguous: a bare number is a percentage",
        "calibrate HEAD --verify=missing        | --verify: no such file or folder: missing",
        "calibrate HEAD --verify=cut.json --save | --verify judges fresh runs against saved envelopes and writes none: drop --save",
        "calibrate HEAD --verify=cut.json       | cut.json: not a noise envelope",
        "calibrate HEAD --save --save-dir=README.md | README.md: it is a file, not a folder; name a folder",
        "calibrate HEAD --save --save-dir=README.md/sub | README.md is a file, not a folder",
        "HEAD HEAD --output-folder=README.md/out | README.md is a file, not a folder",
        "HEAD HEAD --launcher=slurm --shared-dir=README.md | README.md: it is a file, not a folder",
        "gate --launcher=slurm --shared-dir=README.md/sub | README.md is a file, not a folder",
        "HEAD HEAD --suite=slurm.toml           | [launcher]: shared_dir ",
        "export HEAD README.md/loss.txt         | README.md: it is a file, not a folder",
        "HEAD --export-result=README.md/l.txt   | README.md: it is a file, not a folder",
        "export HEAD configs                    | configs is a folder; name the loss file to write",
    })
    void badInputIsOneLineAndExitTwo(String args, String message) throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
            repo.write("cut.json", "{\"format_version\" : 1, \"case_na");
            repo.write("negative.json", NEGATIVE_BAND);
            repo.write("short.json", NEGATIVE_BAND.replace("-1.0", "0.0"));
            repo.write("slurm.toml", "[launcher]\nshared_dir = \"README.md\"\n\n[[case]]\nname = \"a\"\nconfig = \"configs/llama3_debug.toml\"\n");
            repo.commit("suite and bad envelopes");
            String[] argv = args.strip().split(" +");
            for (int i = 0; i < argv.length; i++) argv[i] = argv[i].replace("'", "");
            FixtureRepo.Result r = repo.run(argv);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().startsWith("loss_compare: "), r.err());
            assertTrue(r.err().contains(message), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals(0, repo.calls().size(), "no trainer ran");
            // A refused command changes no file: no output folder, no golden, no envelope.
            if (r.folder() != null) assertFalse(Files.exists(r.folder()), "output folder " + r.folder());
            assertFalse(Files.exists(repo.dir.resolve("loss_compare")), "default output folder");
            assertFalse(Files.exists(repo.dir.resolve("configs/golden")), "goldens");
            assertFalse(Files.exists(repo.dir.resolve("configs/noise")), "envelopes");
        }
    }

    /** An envelope of the fixture's lone case whose loss band is negative at step 2 (identical series would FAIL against it). */
    static final String NEGATIVE_BAND = """
            {"format_version": 1, "case_name": "llama3_debugmodel",
             "settings": {"config": "configs/llama3_debug.toml", "options": [], "seed": 42, "steps": 3, "threads": 1},
             "calibration": {"revision": "HEAD", "commit": null, "reference": "the unperturbed run", "runs": 2,
                             "perturbations": ["threads=2", "kernels=portable"]},
             "environment": {}, "bands": {"loss": [0.0, -1.0, 0.0], "grad_norm": [0.0, 0.0, 0.0]}, "floor": null}
            """;

    /** --help groups a command's options under one heading per option group, each option once, in the order a reader looks. */
    @Test
    void helpListsTheOptionsInSections() {
        HarnessRun r = HarnessRun.at(tmp, java.util.Map.of(), "compare", "--help");
        assertEquals(0, r.exit(), r.toString());
        String help = r.out();
        String[][] sections = {{"What to compare:", "--suite="}, {"Training (every run):", "--steps="},
            {"Training (one side only):", "--test-ngpus="}, {"Judging:", "--atol="}, {"Noise:", "--noise-margin="},
            {"Performance:", "--max-slowdown="}, {"Resume check:", "--resume-at="}, {"Cluster:", "--shared-dir="},
            {"Time limits:", "--build-timeout="}, {"Repository and cache:", "--no-cache"}, {"Output:", "--output-folder="}};
        int at = 0;
        for (String[] s : sections) {
            int heading = help.indexOf("\n" + s[0] + "\n", at);
            assertTrue(heading > 0, s[0] + " after the previous section:\n" + help);
            int option = help.indexOf("  " + s[1], heading);
            assertTrue(option > heading && help.lastIndexOf(":\n", option) == heading + s[0].length(), s[1] + " under " + s[0] + ":\n" + help);
            at = heading + 1;
        }
        for (String option : new String[] {"--atol=", "--steps=", "--max-slowdown=", "--output-folder="}) {
            assertEquals(help.indexOf("      " + option), help.lastIndexOf("      " + option), option + " listed once");
        }
        HarnessRun diff = HarnessRun.at(tmp, java.util.Map.of(), "diff", "--help");
        assertTrue(diff.out().replaceAll("\\s+", " ").contains("Both runs' format: jsonl, torchtitan-log, tensorboard, megatron-golden"), diff.out());
        // A command's own options are a section too, the first: none is left in an unheaded block after -h and -V.
        String[][] own = {{"compare", "This comparison:", "--jobs="}, {"gate", "Goldens:", "--update"}, {"diff", "Reading the runs:", "--rank="},
            {"bisect", "The search:", "--against-goldens"}, {"calibrate", "Calibration:", "--runs="}, {"export", "Training (every run):", "--steps="}};
        for (String[] c : own) {
            String text = c[0].equals("compare") ? help : c[0].equals("diff") ? diff.out() : HarnessRun.at(tmp, java.util.Map.of(), c[0], "--help").out();
            int version = text.indexOf("--version");
            // everything before the first heading: the synopsis, the description, -h and -V, and no option line
            String unheaded = text.substring(0, text.indexOf("\n\n", version));
            assertTrue(!java.util.regex.Pattern.compile("(?m)^ {2,}--[a-z]").matcher(unheaded).find(),
                    c[0] + ": options without a heading:\n" + text);
            assertTrue(text.indexOf("\n\n" + c[1] + "\n", version) == text.indexOf("\n\n", version), c[0] + ": " + c[1] + " first:\n" + text);
            assertTrue(text.indexOf("  " + c[2], version) > text.indexOf(c[1] + "\n", version), c[0] + ": " + c[2] + " under " + c[1]);
        }
        // gate judges with the judging options, not among the goldens' own
        String gate = HarnessRun.at(tmp, java.util.Map.of(), "gate", "--help").out();
        for (String[] o : new String[][] {{"--metrics=", "Judging:"}, {"--strict", "Judging:"}, {"--update", "Goldens:"}, {"--noise=", "Noise:"}}) {
            assertEquals(o[1], headingOf(gate, o[0]), "gate: " + o[0] + "\n" + gate);
        }
    }

    /** The heading (a line of its own ending in ':') an option's line of --help is listed under. */
    private static String headingOf(String help, String option) {
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^ +(-[a-zA-Z], )?" + java.util.regex.Pattern.quote(option)).matcher(help);
        assertTrue(line.find(), option + " in:\n" + help);
        java.util.regex.Matcher heading = java.util.regex.Pattern.compile("(?m)^([A-Z][^\n]*:)$").matcher(help.substring(0, line.start()));
        String last = null;
        while (heading.find()) last = heading.group(1);
        return last;
    }

    @Test
    void outsideAGitRepositoryIsExitTwo() {
        HarnessRun r = HarnessRun.interleaved(tmp, java.util.Map.of("LOSS_COMPARE_CACHE", tmp.resolve("c").toString()), "HEAD", "HEAD");
        assertEquals(2, r.exit());
        assertTrue(r.out().startsWith("loss_compare: not inside a git repository: "), r.out());
    }

    @Test
    void thisRepositorysTrainerWithoutMavenOnPathIsOneLineBeforeAnythingRuns() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path bin = java.nio.file.Files.createDirectories(tmp.resolve("bin"));   // a PATH without mvn and java
            Path out = tmp.resolve("out");
            HarnessRun r = HarnessRun.at(repo.dir, java.util.Map.of("LOSS_COMPARE_CACHE", repo.cache.toString(), "PATH", bin.toString()),
                    "HEAD", "HEAD", "--steps=2", "--output-folder=" + out);
            assertEquals(2, r.exit(), r.toString());
            assertEquals("loss_compare: this repository's trainer (the default, preset loss_compare) builds each revision with Maven"
                    + " and runs it on Java 17, and mvn and java are not on PATH: install them (Debian: apt-get install maven"
                    + " openjdk-17-jdk-headless), or drive another trainer with --trainer=FILE or a suite's [trainer] (preset"
                    + " torchtitan or command)", r.err().strip(), r.toString());
            assertEquals(0, repo.calls().size(), "no trainer ran");
            assertTrue(!java.nio.file.Files.exists(out), "no output folder");
        }
    }
}
