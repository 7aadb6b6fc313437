package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.harness.adapter.CommandTrainer;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.adapter.TrainerSpec;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainer adapters: a foreign Python trainer (a tiny GPT on Debian's PyTorch, test resource
 * fixture/tiny_gpt/train.py) signed off between commits through the command adapter, from its
 * JSONL (bitwise) and from its printed lines (at 4 decimals); the torchtitan preset's argument
 * lists exactly.
 */
class TrainerAdapterTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    private static boolean pythonTorch() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) return false;
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static final String CONFIG = "vocab = 64\ndim = 32\nheads = 2\nlayers = 2\nseq_len = 16\nbatch = 4\nlr = 0.001\n";

    private static String suite(String metrics) {
        return """
                [trainer]
                preset = "command"
                command = ["%s", "train.py"]
                args = ["--config={config}", "--steps={steps}", "--seed={seed}", "--threads={threads}", %s]
                create_seed = ["--init-out={seed_checkpoint}"]
                load_seed = ["--init-from={seed_checkpoint}"]
                seed_name = "init.pt"
                %s

                [[case]]
                name = "tiny_gpt"
                config = "config.toml"
                """.formatted(PYTHON, metrics.equals("jsonl") ? "\"--metrics={metrics}\"" : "\"--threads={threads}\"",
                metrics.equals("jsonl") ? "metrics = \"jsonl\""
                        : "metrics = \"log\"\nline_pattern = 'iter (?<step>\\d+): loss (?<loss>[0-9.]+)'\nstep_offset = 1");
    }

    private Git repo(Path dir) throws Exception {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        try (InputStream in = getClass().getResourceAsStream("/fixture/tiny_gpt/train.py")) {
            Files.writeString(dir.resolve("train.py"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("config.toml"), CONFIG);
        Files.writeString(dir.resolve("jsonl.toml"), suite("jsonl"));
        Files.writeString(dir.resolve("log.toml"), suite("log"));
        commit(git, "tiny GPT");
        // A pure refactor: a renamed local variable in the training loop.
        Path train = dir.resolve("train.py");
        Files.writeString(train, Files.readString(train).replace("grad_norm = ", "total_norm = ").replace("grad_norm.item()", "total_norm.item()"));
        commit(git, "rename grad_norm to total_norm");
        Files.writeString(dir.resolve("config.toml"), CONFIG.replace("lr = 0.001", "lr = 0.002"));
        commit(git, "raise the learning rate");
        return git;
    }

    private static void commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("t", "t@example.com");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    private record Run(int exit, String out) {}

    private Run run(Path dir, String... args) {
        HarnessRun r = HarnessRun.interleaved(dir, Map.of("LOSS_COMPARE_CACHE", tmp.resolve("cache").toString()), args);
        return new Run(r.exit(), r.out());
    }

    @Test
    void aForeignPythonTrainerIsSignedOffThroughTheCommandAdapter() throws Exception {
        assumeTrue(pythonTorch(), PYTHON + " has no torch (CI installs Debian's python3-torch)");
        Path dir = Files.createDirectories(tmp.resolve("repo"));
        try (Git git = repo(dir)) {
            Run refactor = run(dir, "HEAD~2", "HEAD~1", "--suite=jsonl.toml", "--steps=4", "--output-folder=" + tmp.resolve("a"));
            assertEquals(0, refactor.exit(), refactor.out());
            assertTrue(refactor.out().contains("PASS tiny_gpt (model default): loss, grad_norm identical over 4 steps"), refactor.out());
            assertTrue(refactor.out().contains("creating the seed checkpoint with baseline HEAD~2"), refactor.out());

            Run lr = run(dir, "HEAD~1", "HEAD", "--suite=jsonl.toml", "--steps=4", "--output-folder=" + tmp.resolve("b"));
            assertEquals(1, lr.exit(), lr.out());
            assertTrue(lr.out().contains("FAIL tiny_gpt (model default): loss differs from step 2"), lr.out());

            // From its printed lines: compared at the 4 decimals it prints, and saying so.
            Run logs = run(dir, "HEAD~2", "HEAD~1", "--suite=log.toml", "--steps=4", "--output-folder=" + tmp.resolve("c"));
            assertEquals(0, logs.exit(), logs.out());
            assertTrue(logs.out().contains("loss equal at 4 decimals over 4 steps [at 4 decimals: a side was read from text printed"
                    + " with 4 decimals: bitwise is not possible from logs"), logs.out());
            Run logsLr = run(dir, "HEAD~1", "HEAD", "--suite=log.toml", "--steps=4", "--output-folder=" + tmp.resolve("d"));
            assertEquals(1, logsLr.exit(), logsLr.out());
            assertTrue(logsLr.out().contains("loss differs from step 2"), logsLr.out());
        }
    }

    @Test
    void aBadTrainerTableIsOneLineNamingTheKey() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("s.toml"), "[trainer]\npreset = \"command\"\ncommand = \"python3 train.py\"\nmetrics = \"jsonl\"\n"
                    + "[[case]]\nname = \"a\"\nconfig = \"c\"\n");
            Files.writeString(dir.resolve("c"), "");
            commit(git, "x");
            Run r = run(dir, "HEAD", "HEAD", "--suite=s.toml");
            assertEquals(2, r.exit(), r.out());
            assertTrue(r.out().contains("[trainer]: command must be a list of strings (an argument list, not a shell line)"), r.out());
        }
    }

    @Test
    void theTorchtitanPresetPassesWhatTorchtitansOwnLossCompareDoes() {
        CommandTrainer titan = new CommandTrainer(TrainerSpec.torchtitan(8));
        Path rev = Path.of("/rev");
        TrainerArgs args = new TrainerArgs(rev, "./torchtitan/models/llama3/train_configs/debug_model.toml", 100, 42, 2,
                List.of("--model.flavor=debugmodel_flex_attn"), Kernels.NATIVE);
        RunFiles files = RunFiles.of(Path.of("/out/llama3"), "test");
        Launch train = titan.train(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of("/rev/run_train.sh", "--job.dump_folder=/out/llama3/test_run", "--debug.seed=42", "--debug.deterministic",
                "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable",
                "--checkpoint.initial_load_path=/out/llama3/seed_checkpoint/step-0", "--checkpoint.load_only",
                "--model.flavor=debugmodel_flex_attn"), train.command());
        assertEquals(rev, train.workDir());
        assertEquals("8", train.environment().get("NGPU"));
        assertEquals("./torchtitan/models/llama3/train_configs/debug_model.toml", train.environment().get("CONFIG_FILE"));
        assertEquals("0", train.environment().get("LOG_RANK"));
        assertEquals("2", train.environment().get("OMP_NUM_THREADS"));

        Launch seed = titan.createSeed(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of("/rev/run_train.sh", "--job.dump_folder=/out/llama3/test_run", "--debug.seed=42", "--debug.deterministic",
                "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable", "--checkpoint.create_seed_checkpoint",
                "--checkpoint.folder=/out/llama3/seed_checkpoint", "--model.flavor=debugmodel_flex_attn"), seed.command());
        assertEquals("1", seed.environment().get("NGPU"));
        assertTrue(titan.buildCommand(rev).isEmpty());

        Launch fresh = titan.train(args, files, null);
        assertTrue(fresh.command().stream().noneMatch(a -> a.startsWith("--checkpoint")), fresh.command().toString());
        assertNull(new CommandTrainer(new TrainerSpec("command", List.of("python3", "t.py"), ".", Map.of(), List.of(), List.of(),
                List.of(), Map.of(), List.of(), "s", dev.losscompare.core.sources.SeriesFormat.JSONL, null, 0, Map.of(), null, 1))
                .createSeed(args, files, Path.of("/s")));
    }
}
