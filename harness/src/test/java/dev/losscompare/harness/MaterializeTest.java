package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.git.MaterializeException;
import dev.losscompare.harness.git.RevisionResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A materialized revision is what checkout would write: submodules, LFS, .gitattributes, the clean working tree. */
class MaterializeTest {
    @TempDir Path tmp;

    private static final PersonIdent WHO = new PersonIdent("Test", "test@example.invalid");

    private static RevCommit commitIn(Git git, Path dir, String file, String content) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
        git.add().addFilepattern(file).call();
        return git.commit().setMessage(file + "=" + content.strip()).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
    }

    /** The fixture's lr.txt becomes a symlink into submodule "lrmod", whose lr.txt is 0.1. */
    private FixtureRepo withLrInASubmodule(Path sub) throws Exception {
        Git subGit = Git.init().setDirectory(sub.toFile()).setInitialBranch("main").call();
        commitIn(subGit, sub, "lr.txt", "0.1\n");
        subGit.close();
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.git.submoduleAdd().setPath("lrmod").setURI(sub.toUri().toString()).call().close();
        Files.delete(repo.dir.resolve("lr.txt"));
        Files.createSymbolicLink(repo.dir.resolve("lr.txt"), Path.of("lrmod/lr.txt"));
        repo.commit("lr comes from the submodule");
        return repo;
    }

    private static void setGitlink(Repository repo, String path, ObjectId commit) throws Exception {
        DirCache dc = repo.lockDirCache();
        DirCacheEditor editor = dc.editor();
        editor.add(new DirCacheEditor.PathEdit(path) {
            @Override
            public void apply(DirCacheEntry e) {
                e.setFileMode(FileMode.GITLINK);
                e.setObjectId(commit);
            }
        });
        editor.commit();
    }

    @Test
    void aSubmoduleBumpIsComparedByItsContentNotPassed() throws Exception {
        Path sub = tmp.resolve("sub");
        try (FixtureRepo repo = withLrInASubmodule(sub); Git subGit = Git.open(sub.toFile())) {
            RevCommit bumped = commitIn(subGit, sub, "lr.txt", "0.2\n");
            try (Repository checkout = SubmoduleWalk.getSubmoduleRepository(repo.dir.toFile(), "lrmod")) {
                Git.wrap(checkout).fetch().setRemote("origin").call();
                Git.wrap(checkout).checkout().setName(bumped.name()).call();
            }
            setGitlink(repo.git.getRepository(), "lrmod", bumped);
            repo.git.commit().setMessage("bump lrmod").setAuthor(WHO).setCommitter(WHO).setSign(false).call();

            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=3");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 2"), r.verdict());
            RevisionCache cache = new RevisionCache(repo.cache, repo.git.getRepository());
            Materialized head = cache.materialize(new RevisionResolver(repo.git.getRepository()).resolve("HEAD"));
            assertEquals("0.2\n", Files.readString(head.dir().resolve("lrmod/lr.txt")));
        }
    }

    @Test
    void aSubmoduleCommitThatIsNotOnThisMachineIsAnErrorNamingIt() throws Exception {
        Path sub = tmp.resolve("sub");
        try (FixtureRepo repo = withLrInASubmodule(sub);
             Git elsewhere = Git.cloneRepository().setURI(sub.toUri().toString()).setDirectory(tmp.resolve("elsewhere").toFile()).call()) {
            RevCommit unseen = commitIn(elsewhere, tmp.resolve("elsewhere"), "lr.txt", "0.3\n");
            setGitlink(repo.git.getRepository(), "lrmod", unseen);
            repo.git.commit().setMessage("bump to a commit nobody fetched").setAuthor(WHO).setCommitter(WHO).setSign(false).call();

            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=3");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("submodule 'lrmod'") && r.err().contains(unseen.abbreviate(10).name())
                    && r.err().contains("not on this machine"), r.err());
        }
    }

    @Test
    void aGitLfsPointerIsAnErrorNamingTheFile() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write(".gitattributes", "*.weights filter=lfs diff=lfs merge=lfs -text\n");
            repo.write("data/model.weights", "version https://git-lfs.github.com/spec/v1\n"
                    + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n");
            repo.commit("weights in LFS");
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=3");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("data/model.weights") && r.err().contains("Git LFS pointer"), r.err());
        }
    }

    @Test
    void gitattributesEolAndSmudgeFiltersApplyAndARequiredFilterMustBeConfigured() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Repository git = repo.git.getRepository();
            StoredConfig config = git.getConfig();
            config.setString("filter", "upper", "smudge", "tr a-z A-Z");
            config.save();
            repo.write(".gitattributes", "*.crlf text eol=crlf\n*.up filter=upper\n");
            repo.write("notes/a.crlf", "one\ntwo\n");
            repo.write("notes/b.up", "hello\n");
            repo.commit("attributes");

            RevisionCache cache = new RevisionCache(repo.cache, git);
            RevisionResolver resolver = new RevisionResolver(git);
            Materialized head = cache.materialize(resolver.resolve("HEAD"));
            assertEquals("one\r\ntwo\r\n", Files.readString(head.dir().resolve("notes/a.crlf")));
            assertEquals("HELLO\n", Files.readString(head.dir().resolve("notes/b.up")));
            Materialized worktree = cache.materialize(resolver.resolve("."));
            assertEquals(head.key(), worktree.key(), "the clean working tree is HEAD's content");
            assertTrue(worktree.reused());

            config.unset("filter", "upper", "smudge");
            config.setBoolean("filter", "upper", "required", true);
            config.save();
            MaterializeException e = assertThrows(MaterializeException.class, () -> cache.materialize(resolver.resolve("HEAD")));
            assertTrue(e.getMessage().contains("notes/b.up") && e.getMessage().contains("'upper'"), e.getMessage());
        }
    }

    @Test
    void aCleanWorkingTreeGetsHeadsKeyAndIsNotCopiedAgain() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Repository git = repo.git.getRepository();
            repo.write("ignored/scratch.txt", "not content\n");
            RevisionCache cache = new RevisionCache(repo.cache, git);
            RevisionResolver resolver = new RevisionResolver(git);
            Materialized head = cache.materialize(resolver.resolve("HEAD"));
            assertEquals("tree-" + git.resolve("HEAD^{tree}").name(), head.key());
            Materialized clean = cache.materialize(resolver.resolve("."));
            assertEquals(head.key(), clean.key());
            assertTrue(clean.reused(), "HEAD's directory is reused, nothing copied");

            repo.write("lr.txt", "0.3\n");
            Materialized dirty = cache.materialize(resolver.resolve("."));
            assertNotEquals(head.key(), dirty.key());
            assertFalse(dirty.reused());
            assertEquals("0.3\n", Files.readString(dirty.dir().resolve("lr.txt")));
            assertTrue(Files.isExecutable(dirty.dir().resolve("trainer/run_train.sh")));
        }
    }

    @Test
    void withDeclaredInputsAReadmeEditKeepsTheKeyAndAnInputEditChangesIt() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Repository git = repo.git.getRepository();
            List<String> inputs = List.of("trainer/", "configs/", "init.txt", "lr.txt");
            RevisionCache cache = new RevisionCache(repo.cache, git);
            RevisionResolver resolver = new RevisionResolver(git);
            Materialized before = cache.materialize(resolver.resolve("HEAD"), inputs);
            assertTrue(Files.isRegularFile(before.dir().resolve("trainer/run_train.sh")));
            assertFalse(Files.exists(before.dir().resolve("README.md")), "only the inputs are materialized");

            repo.write("README.md", "docs only\n");
            repo.commit("docs");
            Materialized docs = cache.materialize(resolver.resolve("HEAD"), inputs);
            assertEquals(before.key(), docs.key());
            assertTrue(docs.reused());
            repo.write("README.md", "more docs, uncommitted\n");
            assertEquals(before.key(), cache.materialize(resolver.resolve("."), inputs).key());
            assertNotEquals(before.key(), cache.materialize(resolver.resolve("HEAD")).key(), "without inputs the README counts");

            repo.write("configs/llama3_debug.toml", "[model]\nname = \"llama3\"\nflavor = \"debugmodel\"\n# tuned\n");
            Materialized edited = cache.materialize(resolver.resolve("."), inputs);
            assertNotEquals(before.key(), edited.key());
            assertTrue(Files.readString(edited.dir().resolve("configs/llama3_debug.toml")).contains("# tuned"));
        }
    }
}
