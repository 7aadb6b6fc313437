package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.harness.adapter.CommandTrainer;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.adapter.TrainerSpec;
import dev.losscompare.harness.adapter.TorchtitanTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.adapter.TrainerFile;
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
            // A placeholder no run fills ({step} for {steps}) would reach the trainer as literal text.
            Files.writeString(dir.resolve("t.toml"), "[trainer]\npreset = \"command\"\ncommand = [\"python3\", \"train.py\"]\n"
                    + "metrics = \"jsonl\"\nargs = [\"--max_iters={step}\", \"--out={metrics}\"]\n");
            Run p = run(dir, "HEAD", "HEAD", "--trainer=t.toml");
            assertEquals(2, p.exit(), p.out());
            assertTrue(p.out().contains("[trainer]: args: unknown placeholder {step} in '--max_iters={step}' (known: {checkpoint_folder}"
                    + " {checkpoint_interval} {config} {metrics} {module} {ngpus} {resume_step} {run_dir} {seed} {seed_checkpoint}"
                    + " {steps} {tb} {threads})"), p.out());
        }
    }

    /** torchtitan's launch line of each layout (run_train.sh before and after torchtitan 9810191bb). */
    private static final String CONFIG_FILE_LAUNCH = "-m ${TRAIN_FILE} --job.config_file ${CONFIG_FILE} \"$@\"";
    private static final String REGISTRY_LAUNCH = "-m torchtitan.train --module ${MODULE} --config ${CONFIG} \"$@\"";

    /** A fake torchtitan ./run_train.sh of one layout (test resource fixture/torchtitan/fake_train.py). */
    private void fakeTorchtitan(Path rev, String launch) throws Exception {
        Files.createDirectories(rev);
        try (InputStream in = getClass().getResourceAsStream("/fixture/torchtitan/fake_train.py")) {
            Files.writeString(rev.resolve("run_train.sh"), "#!/usr/bin/env python3\nLAUNCH = '" + launch + "'\n"
                    + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        rev.resolve("run_train.sh").toFile().setExecutable(true);
    }

    private static final String CASE_CONFIG = "llama3:llama3_debugmodel | ./torchtitan/models/llama3/train_configs/debug_model.toml";

    @Test
    void theTorchtitanPresetDrivesTheConfigFileLayoutAsTorchtitansOwnLossCompareDid() throws Exception {
        Path rev = tmp.resolve("old");
        fakeTorchtitan(rev, CONFIG_FILE_LAUNCH);
        TorchtitanTrainer titan = (TorchtitanTrainer) titanFile(8);
        assertEquals(TorchtitanTrainer.Layout.CONFIG_FILE, TorchtitanTrainer.Layout.of(rev));
        TrainerArgs args = new TrainerArgs(rev, CASE_CONFIG, 100, 42, 2, List.of("--model.flavor=debugmodel_flex_attn"), Kernels.NATIVE,
                titan.ngpus());   // the engine's rank count when neither the command line nor the case says: the table's
        RunFiles files = RunFiles.of(Path.of("/out/llama3"), "test");
        Launch train = titan.train(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of(rev.resolve("run_train.sh").toString(), "--job.dump_folder=/out/llama3/test_run", "--debug.seed=42",
                "--debug.deterministic", "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable",
                "--checkpoint.initial_load_path=/out/llama3/seed_checkpoint/step-0", "--checkpoint.load_only",
                "--model.flavor=debugmodel_flex_attn"), train.command());
        assertEquals(rev, train.workDir());
        assertEquals("8", train.environment().get("NGPU"));
        assertEquals("./torchtitan/models/llama3/train_configs/debug_model.toml", train.environment().get("CONFIG_FILE"));
        assertNull(train.environment().get("MODULE"));
        assertEquals("0", train.environment().get("LOG_RANK"));
        assertEquals("2", train.environment().get("OMP_NUM_THREADS"));

        Launch seed = titan.createSeed(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of(rev.resolve("run_train.sh").toString(), "--job.dump_folder=/out/llama3/test_run", "--debug.seed=42",
                "--debug.deterministic", "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable", "--checkpoint.create_seed_checkpoint",
                "--checkpoint.folder=/out/llama3/seed_checkpoint", "--model.flavor=debugmodel_flex_attn"), seed.command());
        assertEquals("1", seed.environment().get("NGPU"));
        assertTrue(titan.buildCommand(rev).isEmpty());
        assertTrue(titan.describe(rev).contains("config-file layout (CONFIG_FILE="), titan.describe(rev));

        Launch fresh = titan.train(args, files, null);
        assertTrue(fresh.command().stream().noneMatch(a -> a.startsWith("--checkpoint")), fresh.command().toString());
        assertNull(new CommandTrainer(new TrainerSpec("command", List.of("python3", "t.py"), ".", Map.of(), List.of(), List.of(),
                List.of(), Map.of(), List.of(), "s", dev.losscompare.core.sources.SeriesFormat.JSONL, null, 0, Map.of(), null, 1))
                .createSeed(args, files, Path.of("/s")));
    }

    @Test
    void theTorchtitanPresetDrivesTodaysRegistryLayoutAsTorchtitansOwnLossCompareDoes() throws Exception {
        Path rev = tmp.resolve("new");
        fakeTorchtitan(rev, REGISTRY_LAUNCH);
        TorchtitanTrainer titan = (TorchtitanTrainer) titanFile(8);
        assertEquals(TorchtitanTrainer.Layout.REGISTRY, TorchtitanTrainer.Layout.of(rev));
        TrainerArgs args = new TrainerArgs(rev, CASE_CONFIG, 100, 42, 2, List.of("--parallelism.data_parallel_shard_degree=8"),
                Kernels.NATIVE, titan.ngpus());
        RunFiles files = RunFiles.of(Path.of("/out/llama3"), "test");
        Launch train = titan.train(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of(rev.resolve("run_train.sh").toString(), "--dump_folder=/out/llama3/test_run", "--debug.seed=42",
                "--debug.deterministic", "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable",
                "--checkpoint.initial_load_path=/out/llama3/seed_checkpoint/step-0", "--checkpoint.load_only",
                "--parallelism.data_parallel_shard_degree=8"), train.command());
        assertEquals("8", train.environment().get("NGPU"));
        assertEquals("llama3", train.environment().get("MODULE"));
        assertEquals("llama3_debugmodel", train.environment().get("CONFIG"));
        assertNull(train.environment().get("CONFIG_FILE"));
        assertEquals("0", train.environment().get("LOG_RANK"));
        assertEquals("2", train.environment().get("OMP_NUM_THREADS"));

        Launch seed = titan.createSeed(args, files, Path.of("/out/llama3/seed_checkpoint"));
        assertEquals(List.of(rev.resolve("run_train.sh").toString(), "--dump_folder=/out/llama3/test_run", "--debug.seed=42",
                "--debug.deterministic", "--training.steps=100", "--metrics.enable_tensorboard", "--metrics.log_freq=1",
                "--metrics.save_tb_folder=/out/llama3/test_tb", "--checkpoint.enable", "--checkpoint.create_seed_checkpoint",
                "--checkpoint.folder=/out/llama3/seed_checkpoint", "--parallelism.data_parallel_shard_degree=8"), seed.command());
        assertEquals("1", seed.environment().get("NGPU"));
        assertEquals("llama3", seed.environment().get("MODULE"));
        assertTrue(titan.describe(rev).contains("registry layout (MODULE="), titan.describe(rev));

        // The resume check's runs: torchtitan's checkpoint flags, in this layout's environment.
        Launch resumed = titan.trainWithCheckpoints(args, files, Path.of("/out/llama3/seed_checkpoint"),
                new dev.losscompare.harness.adapter.Checkpoints(Path.of("/out/llama3/ckpt"), 2, 2));
        assertEquals(List.of("--checkpoint.initial_load_path=/out/llama3/seed_checkpoint/step-0",
                "--checkpoint.enable", "--checkpoint.folder=/out/llama3/ckpt", "--checkpoint.interval=2", "--checkpoint.keep_latest_k=0",
                "--checkpoint.load_step=2", "--parallelism.data_parallel_shard_degree=8"),
                resumed.command().subList(resumed.command().indexOf("--metrics.save_tb_folder=/out/llama3/test_tb") + 1, resumed.command().size()));
        assertEquals("llama3", resumed.environment().get("MODULE"));
        assertEquals("llama3_debugmodel", resumed.environment().get("CONFIG"));

        // A config only the other layout can use is one line saying what this revision needs.
        TrainerArgs fileOnly = new TrainerArgs(rev, "./torchtitan/models/llama3/train_configs/debug_model.toml", 100, 42, 2, List.of(),
                Kernels.NATIVE);
        UsageException e = assertThrows(UsageException.class, () -> titan.train(fileOnly, files, null));
        assertTrue(e.getMessage().contains("needs MODULE:CONFIG in the case's config (e.g. llama3:llama3_debugmodel)"), e.getMessage());
    }

    /**
     * How a failing case is located: the PyTorch tracer for torchtitan and a command Python or torchrun starts, none
     * for any other command unless the table says; the ranks a side runs when neither the command line nor the
     * case says are the table's ngpus, and {ngpus} is the side's own rank count (a parity case's torchrun starts 1
     * process on one side, 2 on the other).
     */
    @Test
    void theTraceKeyAndTheTablesRanks() throws Exception {
        TrainerAdapter titan = titanFile(2);
        assertEquals(List.of(TrainerSpec.TRACE_PYTORCH, 2), List.of(titan.trace(), titan.ngpus()));
        for (String first : List.of("python3", "python", "torchrun")) assertEquals(TrainerSpec.TRACE_PYTORCH, commandFile(first, "").trace());
        assertEquals(TrainerSpec.TRACE_NONE, commandFile("./train.sh", "").trace());
        assertEquals(TrainerSpec.TRACE_NONE, commandFile("python3", "trace = \"none\"\n").trace());
        assertEquals(TrainerSpec.TRACE_PYTORCH, commandFile("./train.sh", "trace = \"pytorch\"\n").trace());
        assertEquals(1, commandFile("python3", "").ngpus());
        Path f = tmp.resolve("torchrun.toml");
        Files.writeString(f, "[trainer]\npreset = \"command\"\ncommand = [\"torchrun\", \"--nproc_per_node={ngpus}\", \"train.py\"]\n"
                + "metrics = \"jsonl\"\nngpus = 2\n");
        TrainerAdapter torchrun = TrainerFile.read(f, Wording.COMMAND_LINE);
        RunFiles files = RunFiles.of(tmp.resolve("out"), "test");
        for (int ranks : new int[] {1, 2, 4}) {
            Launch l = torchrun.train(new TrainerArgs(tmp, "c.toml", 3, 42, 1, List.of(), Kernels.NATIVE, ranks), files, null);
            assertEquals("--nproc_per_node=" + ranks, l.command().get(1), l.command().toString());
            assertEquals(String.valueOf(ranks), l.environment().get("NGPU"), l.environment().toString());
        }
        UsageException e = assertThrows(UsageException.class, () -> commandFile("python3", "trace = \"gdb\"\n"));
        assertTrue(e.getMessage().contains("[trainer]: trace must be \"pytorch\" (re-run a failing case with the PyTorch tracer) or \"none\","
                + " got 'gdb'"), e.getMessage());
    }

    private TrainerAdapter commandFile(String first, String extra) throws Exception {
        Path f = Files.createTempFile(tmp, "command", ".toml");
        Files.writeString(f, "[trainer]\npreset = \"command\"\ncommand = [\"" + first + "\", \"train.py\"]\nmetrics = \"jsonl\"\n" + extra);
        return TrainerFile.read(f, Wording.COMMAND_LINE);
    }

    private TrainerAdapter titanFile(int ngpus) throws Exception {
        Path f = tmp.resolve("titan" + ngpus + ".toml");
        Files.writeString(f, "[trainer]\npreset = \"torchtitan\"\nngpus = " + ngpus + "\n");
        return TrainerFile.read(f, Wording.COMMAND_LINE);
    }

    /**
     * A sign-off across torchtitan's config refactor, end to end on fake run_train.sh scripts:
     * the config-file layout, then the registry layout with the same numbers (PASS, each side
     * saying which layout it ran), then a learning-rate change (FAIL from step 2).
     */
    @Test
    void aSignOffAcrossTorchtitansLayoutChangeRunsEachRevisionInItsOwnLayout() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("titan"));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            fakeTorchtitan(dir, CONFIG_FILE_LAUNCH);
            Path toml = dir.resolve("torchtitan/models/llama3/train_configs/debug_model.toml");
            Files.createDirectories(toml.getParent());
            Files.writeString(toml, "[model]\nname = \"llama3\"\nflavor = \"debugmodel\"\n");
            Files.writeString(dir.resolve("signoff.toml"), "[trainer]\npreset = \"torchtitan\"\nngpus = 2\n\n[[case]]\nname = \"llama3\"\n"
                    + "config = \"" + CASE_CONFIG + "\"\n");
            commit(git, "torchtitan before the config registry");
            fakeTorchtitan(dir, REGISTRY_LAUNCH);
            Files.delete(toml);
            commit(git, "config system refactor: TOML to a registry");
            Files.writeString(dir.resolve("lr.txt"), "0.2\n");
            commit(git, "raise the learning rate");

            Run across = run(dir, "HEAD~2", "HEAD~1", "--suite=signoff.toml", "--steps=4", "--output-folder=" + tmp.resolve("across"));
            assertEquals(0, across.exit(), across.out());
            assertTrue(across.out().contains("baseline HEAD~2: torchtitan config-file layout (CONFIG_FILE="), across.out());
            assertTrue(across.out().contains("test HEAD~1: torchtitan registry layout (MODULE="), across.out());
            assertTrue(across.out().contains("PASS llama3 (model default): loss, grad_norm identical over 4 steps"), across.out());
            assertTrue(across.out().contains("initial weights: every side loaded one seed checkpoint written by baseline HEAD~2"),
                    across.out());
            assertTrue(across.out().contains("(4/4 steps)"), "progress from TensorBoard\n" + across.out());

            Run lr = run(dir, "HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=4", "--output-folder=" + tmp.resolve("lr"));
            assertEquals(1, lr.exit(), lr.out());
            assertTrue(lr.out().contains("FAIL llama3 (model default): loss differs from step 2"), lr.out());
        }
    }
}
