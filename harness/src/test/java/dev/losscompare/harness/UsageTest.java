package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        "calibrate HEAD --held-out=-1           | --runs takes 2..500 and --held-out 0..500 (their seeds must stay apart), got --runs=4 --held-out=-1",
        "calibrate HEAD --runs=501              | --runs takes 2..500 and --held-out 0..500",
        "calibrate                              | name the revision to calibrate",
        "calibrate --from-runs a.jsonl b.jsonl  | --from-runs needs the reference and at least 2 more runs (got 2)",
        "calibrate HEAD --save-dir=x            | --save-dir needs --save",
        "HEAD HEAD --noise=missing              | --noise: no such file or folder",
        "HEAD HEAD --noise-margin=2             | --noise-margin needs --noise=FILE",
        "gate --calibrate                       | --calibrate records envelopes with the goldens: use gate --update --calibrate",
    })
    void badInputIsOneLineAndExitTwo(String args, String message) throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            String[] argv = args.strip().split(" +");
            for (int i = 0; i < argv.length; i++) argv[i] = argv[i].replace("'", "");
            FixtureRepo.Result r = repo.run(argv);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().startsWith("loss_compare: "), r.err());
            assertTrue(r.err().contains(message), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals(0, repo.calls().size(), "no trainer ran");
        }
    }

    @Test
    void outsideAGitRepositoryIsExitTwo() {
        HarnessRun r = HarnessRun.interleaved(tmp, java.util.Map.of("LOSS_COMPARE_CACHE", tmp.resolve("c").toString()), "HEAD", "HEAD");
        assertEquals(2, r.exit());
        assertTrue(r.out().startsWith("loss_compare: not inside a git repository: "), r.out());
    }
}
