package dev.losscompare.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** This project as the real-trainer tests use it: its tracked files in a temporary git repository. */
final class ProjectFiles {
    private ProjectFiles() {}

    /** The project's root (surefire runs in harness/). */
    static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** A new repository at {@code into} holding the project's tracked files (with any uncommitted edits), committed once. */
    static Git cloneInto(Path into) throws Exception {
        copyTrackedFiles(root(), Files.createDirectories(into));
        Git git = Git.init().setDirectory(into.toFile()).setInitialBranch("main").call();
        commit(git, "project as tracked");
        return git;
    }

    /** The files git tracks in this checkout (with any uncommitted edits): what a clean clone would hold. */
    static void copyTrackedFiles(Path root, Path into) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().findGitDir(root.toFile()).build()) {
            DirCache index = DirCache.read(repo.getIndexFile(), repo.getFS());
            Path work = repo.getWorkTree().toPath();
            for (int i = 0; i < index.getEntryCount(); i++) {
                String path = index.getEntry(i).getPathString();
                Path source = work.resolve(path);
                if (!Files.isRegularFile(source)) continue;
                Path target = into.resolve(path);
                Files.createDirectories(target.getParent());
                Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Checks out a new branch {@code name} from main. */
    static void branch(Git git, String name) throws Exception {
        git.checkout().setCreateBranch(true).setName(name).setStartPoint("main").call();
    }

    /** Replaces {@code from} by {@code to} in one file of the repository at {@code repoDir}; the edit must change it. */
    static void edit(Path repoDir, String path, String from, String to) throws Exception {
        Path file = repoDir.resolve(path);
        String source = Files.readString(file);
        String changed = source.replace(from, to);
        org.junit.jupiter.api.Assertions.assertNotEquals(source, changed, "the edit must change " + path + ": '" + from + "' not found");
        Files.writeString(file, changed);
    }

    static RevCommit commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("Test", "test@example.invalid");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }
}
