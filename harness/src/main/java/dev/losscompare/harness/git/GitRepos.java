package dev.losscompare.harness.git;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
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
        return open(dir, Wording.COMMAND_LINE);
    }

    /** The repository enclosing {@code dir}; a message names the repository setting in {@code words}. */
    public static Repository open(Path dir, SettingWords words) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException(UsageException.Reason.REVISION, Setting.REPO, words.name(Setting.REPO) + ": not a directory: " + dir);
        }
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
        if (builder.getGitDir() == null) {
            throw new UsageException(UsageException.Reason.REVISION, "not inside a git repository: " + dir.toAbsolutePath()
                    + " (run from a clone or pass " + words.withValue(Setting.REPO, "DIR") + ")");
        }
        try {
            Repository repo = builder.setMustExist(true).build();
            if (repo.isBare()) {
                repo.close();
                throw new UsageException(UsageException.Reason.REVISION, "repository " + builder.getGitDir() + " is bare; pass "
                        + words.withValue(Setting.REPO, "DIR") + " of a clone with a working tree");
            }
            return repo;
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.REVISION, "cannot open git repository at " + builder.getGitDir() + ": " + e.getMessage());
        }
    }
}
