package dev.losscompare.harness.engine;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.TorchtitanTrainer;
import dev.losscompare.harness.cache.CacheLocation;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.git.WorkingTreeInputs;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/**
 * The opening every command shares: the repository (read only: the user's checkout, index and
 * branches are never touched), revisions resolved and materialized into the cache, cases named,
 * and the run guarded against Ctrl-C.
 */
public final class Workspace implements AutoCloseable {
    private final Console console;
    private final Repository repo;
    private final RevisionCache revisions;
    private final Path cacheDir;
    private final RunLauncher launcher;
    private WorkingTreeInputs linked = WorkingTreeInputs.NONE;
    private boolean closesLauncher;

    private Workspace(Console console, Repository repo, Path cacheDir, RunLauncher launcher) {
        this.console = console;
        this.repo = repo;
        this.cacheDir = cacheDir;
        this.launcher = launcher;
        this.revisions = new RevisionCache(cacheDir, repo, console.err(), CacheLocation.buildStore(console.env(), cacheDir));
    }

    /**
     * The repository with its cache; every run and build of its sessions starts through
     * {@code launcher}; {@code words}: how a message names the repository setting.
     */
    public static Workspace open(Console console, Path repoDir, Path cacheDir, RunLauncher launcher, SettingWords words) {
        return new Workspace(console, GitRepos.open(repoDir, words), cacheDir, launcher);
    }

    /** The call made this workspace's launcher for itself: closing the workspace closes the launcher too. */
    public Workspace closingLauncher() {
        closesLauncher = true;
        return this;
    }

    /** Where this workspace's runs and builds start. */
    public RunLauncher launcher() {
        return launcher;
    }

    public ResolvedRevision resolve(String spec) {
        return new RevisionResolver(repo).resolve(spec);
    }

    /**
     * Copies the revision into the cache (or reuses the copy) and says so. {@code inputs}: the
     * paths the trainer reads (a suite's {@code inputs}); empty means the whole tree.
     */
    public Materialized materialize(String role, ResolvedRevision rev, List<String> inputs) throws IOException {
        return materialize(role, rev, inputs, null);
    }

    /** The same for a side whose environment builds the trainer otherwise ({@code env} null or not: the default tree). */
    public Materialized materialize(String role, ResolvedRevision rev, List<String> inputs, dev.losscompare.harness.environment.Environment env)
            throws IOException {
        Materialized m = revisions.materialize(rev, inputs, linked, env == null || !env.changesBuild() ? null : env.mavenPropertiesText());
        console.out().println(role + ": " + rev.label() + (rev.subject() == null ? "" : " \"" + rev.subject() + "\"")
                + (m.reused() ? " (cached)" : ""));
        return m;
    }

    /** Every revision materialized from now on links these paths from the working tree (a trainer's from_working_tree). */
    public void fromWorkingTree(List<String> paths) {
        linked = WorkingTreeInputs.of(repo.isBare() ? null : repo.getWorkTree().toPath(), paths);
        for (var f : linked.fingerprints()) console.out().println("from the working tree (linked, read-only): " + linked.describe(f));
    }

    public Session session(Path out, boolean useResultCache, Duration buildTimeout) {
        return new Session(console, out, revisions, useResultCache ? new ResultCache(cacheDir, console.env()) : null, buildTimeout,
                launcher);
    }

    /**
     * Names the cases from the config as the first revision has it; a lone case (suite name null)
     * is named after its model and flavor. {@code options} are those the naming side runs with.
     */
    public static List<CaseSpec> cases(List<SuiteCase> suiteCases, Materialized first, List<String> options) {
        List<CaseSpec> out = new ArrayList<>();
        for (SuiteCase c : suiteCases) {
            List<String> all = new ArrayList<>(c.options());
            all.addAll(options);
            CaseId named = CaseNaming.of(first.dir().resolve(c.config()), c.config(), all);
            out.add(new CaseSpec(c, c.name() == null ? named : new CaseId(c.name(), named.model(), named.flavor(), named.config())));
        }
        return out;
    }

    /**
     * Every config a case names must exist in each revision that runs it. {@code suite}: how
     * messages name the suite file the cases come from (null: the case is --config's).
     */
    public static void checkConfigs(List<SuiteCase> cases, Materialized m, String suite, SettingWords words) {
        for (SuiteCase c : cases) {
            if (TorchtitanTrainer.namesRegistryConfig(c.config())) continue;   // a config of torchtitan's registry, not a file
            if (Files.isRegularFile(m.dir().resolve(c.config()))) continue;
            String missing = "config " + c.config() + " does not exist in revision " + m.revision().label();
            throw new UsageException(UsageException.Reason.REVISION, suite == null || c.name() == null
                    ? missing + " (pass " + words.withValue(Setting.CONFIG, "PATH") + " relative to the repository root)"
                    : "case " + c.name() + " of suite " + suite + ": " + missing + " (fix the case's config in " + suite
                            + "; paths are relative to the repository root)");
        }
    }

    /**
     * Runs a command's work; on Ctrl-C every trainer process tree is stopped, a notice says that no
     * result was written, and {@link Interrupted} reaches the caller (exit 130).
     */
    public <T> T guarded(Path out, Work<T> work) throws IOException {
        Runnable notice = () -> {
            OutputFolders.markInterrupted(out);
            console.err().println("loss_compare: interrupted; stopped the trainer runs; no result written to "
                    + console.show(out) + " (the same command may use it again)");
        };
        Interrupts.begin(notice);
        try {
            return OutputFolders.owned(out, work);
        } finally {
            Interrupts.done(notice);
        }
    }

    /** A command's work inside {@link #guarded}. */
    public interface Work<T> {
        T call() throws IOException;
    }

    @Override
    public void close() {
        try {
            repo.close();
        } finally {
            if (closesLauncher) launcher.close();
        }
    }
}
