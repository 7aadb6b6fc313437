package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's checkout — HEAD, branches, index, stash, working files — is the same after a comparison. */
class CheckoutUntouchedTest {
    @TempDir
    Path tmp;

    @Test
    void comparingCommitsAndTheWorkingTreeChangesNothingInTheRepository() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("second");
            repo.git.branchCreate().setName("feature").setStartPoint("HEAD~1").call();
            repo.git.tag().setName("v1").setObjectId(repo.git.getRepository().parseCommit(repo.git.getRepository().resolve("HEAD~1"))).call();
            // A stash, then uncommitted edits, a staged file, an untracked file and ignored files.
            repo.write("README.md", "stashed edit\n");
            repo.git.stashCreate().setPerson(new PersonIdent("T", "t@example.invalid")).call();
            repo.write("lr.txt", "0.1\n");                      // uncommitted: back to the first commit's lr
            repo.write("staged.txt", "staged\n");
            repo.git.add().addFilepattern("staged.txt").call();
            repo.write("untracked.txt", "untracked\n");
            repo.write("ignored/big.txt", "ignored\n");
            repo.write("weights.bin", "ignored too\n");

            Snapshot before = Snapshot.of(repo);
            // "." is the working tree with its uncommitted lr: equal to the first commit (via tag), not to HEAD.
            FixtureRepo.Result same = repo.run("v1", ".", "--steps=3");
            assertEquals(0, same.exit(), same.toString());
            FixtureRepo.Result differs = repo.run("feature", "main", "--steps=3");
            assertEquals(1, differs.exit(), differs.toString());
            Snapshot after = Snapshot.of(repo);
            assertEquals(before, after);

            // The working-tree copy held the uncommitted and untracked files, and no ignored ones.
            Path copy;
            try (Stream<Path> s = Files.list(repo.cache.resolve("revisions"))) {
                copy = s.filter(p -> Files.exists(p.resolve("untracked.txt"))).findFirst().orElseThrow();
            }
            assertEquals("0.1\n", Files.readString(copy.resolve("lr.txt")));
            assertEquals("untracked\n", Files.readString(copy.resolve("untracked.txt")));
            assertEquals("staged\n", Files.readString(copy.resolve("staged.txt")));
            assertFalse(Files.exists(copy.resolve("ignored")));
            assertFalse(Files.exists(copy.resolve("weights.bin")));
            assertFalse(Files.exists(copy.resolve(".git")));
            assertTrue(Files.isExecutable(copy.resolve("trainer/run_train.sh")));
        }
    }

    /** Everything a comparison must not change, compared by value. */
    record Snapshot(String head, String headTarget, Map<String, String> refs, byte[] index, String status,
                    Map<String, String> files, Map<String, FileTime> mtimes, int stashes) {
        static Snapshot of(FixtureRepo repo) throws Exception {
            var r = repo.git.getRepository();
            Map<String, String> refs = new TreeMap<>();
            for (Ref ref : r.getRefDatabase().getRefs()) refs.put(ref.getName(), ref.getObjectId().name());
            Map<String, String> files = new TreeMap<>();
            Map<String, FileTime> mtimes = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(repo.dir)) {
                for (Path p : walk.filter(Files::isRegularFile).filter(p -> !repo.dir.relativize(p).startsWith(".git")).toList()) {
                    String rel = repo.dir.relativize(p).toString();
                    files.put(rel, Files.readString(p));
                    mtimes.put(rel, Files.getLastModifiedTime(p));
                }
            }
            byte[] index = Files.readAllBytes(r.getIndexFile().toPath());
            String status = status(repo.git.status().call());
            int stashes = repo.git.stashList().call().size();
            return new Snapshot(r.getFullBranch(), r.resolve("HEAD").name(), refs, index, status, files, mtimes, stashes);
        }

        private static String status(Status s) {
            return Stream.of(s.getAdded(), s.getChanged(), s.getModified(), s.getUntracked(), s.getRemoved(), s.getMissing())
                    .map(set -> new java.util.TreeSet<>(set).toString()).collect(Collectors.joining(" "));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot x && head.equals(x.head) && headTarget.equals(x.headTarget) && refs.equals(x.refs)
                    && java.util.Arrays.equals(index, x.index) && status.equals(x.status) && files.equals(x.files)
                    && mtimes.equals(x.mtimes) && stashes == x.stashes;
        }

        @Override
        public int hashCode() {
            return head.hashCode();
        }

        @Override
        public String toString() {
            return "HEAD " + head + " " + headTarget + "\nrefs " + refs + "\nstatus " + status + "\nfiles " + files.keySet()
                    + "\nmtimes " + mtimes + "\nstashes " + stashes + "\nindex " + index.length + " bytes";
        }
    }
}
