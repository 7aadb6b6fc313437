package dev.losscompare.harness.git;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.submodule.SubmoduleWalk;

/**
 * Materializes a submodule (a gitlink: a commit of another repository) from its commit when that
 * commit is on this machine: in the superproject's {@code .git/modules/<name>} or in the
 * submodule's own checkout. Otherwise it is an error naming the submodule, never an empty folder
 * (a submodule bump would then compare equal).
 */
final class Submodules {
    private Submodules() {}

    /** The submodule's name as .gitmodules gives it for {@code path}; the path itself when unnamed. */
    static String name(String gitmodulesText, String path) {
        if (gitmodulesText == null) return path;
        Config c = new Config();
        try {
            c.fromText(gitmodulesText);
        } catch (ConfigInvalidException e) {
            throw new MaterializeException(".gitmodules is not valid git config: " + e.getMessage());
        }
        for (String name : c.getSubsections("submodule")) {
            if (path.equals(c.getString("submodule", name, "path"))) return name;
        }
        return path;
    }

    static void write(Repository superRepo, String path, ObjectId commit, String gitmodulesText, Path target)
            throws IOException {
        String name = name(gitmodulesText, path);
        List<String> looked = new ArrayList<>();
        for (Repository sub : candidates(superRepo, name, path, looked)) {
            try (sub) {
                if (!sub.getObjectDatabase().has(commit)) continue;
                RevCommit c;
                try (RevWalk walk = new RevWalk(sub)) {
                    c = walk.parseCommit(commit);
                }
                TreeWriter.write(sub, c.getTree().name(), target);
                return;
            }
        }
        throw new MaterializeException("submodule '" + name + "' (" + path + ") at commit " + commit.abbreviate(10).name()
                + ": that commit is not on this machine (looked in " + (looked.isEmpty() ? "no local clone" : String.join(" and ", looked))
                + "); run 'git submodule update --init " + path + "' (or fetch the commit there), then compare again");
    }

    /** Local clones that may hold the submodule's commits, opened (the caller closes them). */
    static List<Repository> candidates(Repository superRepo, String name, String path, List<String> looked)
            throws IOException {
        List<Repository> repos = new ArrayList<>();
        File modules = new File(new File(superRepo.getDirectory(), "modules"), name);
        looked.add(".git/modules/" + name);
        if (modules.isDirectory()) {
            repos.add(new FileRepositoryBuilder().setGitDir(modules).setMustExist(true).build());
        }
        if (!superRepo.isBare()) {
            looked.add(path + "/");
            try {
                Repository inTree = SubmoduleWalk.getSubmoduleRepository(superRepo.getWorkTree(), path);
                if (inTree != null) repos.add(inTree);
            } catch (IOException notARepository) {
                // e.g. a .git file pointing at a removed .git/modules directory: nothing to read there
            }
        }
        return repos;
    }
}
