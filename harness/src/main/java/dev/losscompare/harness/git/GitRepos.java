package dev.losscompare.harness.git;

import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Opens the repository enclosing a directory (read-only use: nothing here writes to it). */
public final class GitRepos {
    private GitRepos() {}

    public static Repository open(Path dir) {
        if (!Files.isDirectory(dir)) throw new UsageException(UsageException.Reason.REVISION, "--repo: not a directory: " + dir);
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
        if (builder.getGitDir() == null) {
            throw new UsageException(UsageException.Reason.REVISION, "not inside a git repository: " + dir.toAbsolutePath()
                    + " (run from a clone or pass --repo=DIR)");
        }
        try {
            Repository repo = builder.setMustExist(true).build();
            if (repo.isBare()) {
                repo.close();
                throw new UsageException(UsageException.Reason.REVISION, "repository " + builder.getGitDir() + " is bare; pass --repo=DIR of a clone with a working tree");
            }
            return repo;
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.REVISION, "cannot open git repository at " + builder.getGitDir() + ": " + e.getMessage());
        }
    }
}
