package dev.losscompare.harness.git;

import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** Resolves what the user typed (branch, tag, sha, HEAD~n, origin/main, or "." for the working tree). */
public final class RevisionResolver {
    public static final String WORKING_TREE = ".";
    private final Repository repo;

    public RevisionResolver(Repository repo) {
        this.repo = repo;
    }

    public ResolvedRevision resolve(String spec) {
        if (spec == null || spec.isBlank()) throw new UsageException(UsageException.Reason.REVISION, "empty revision");
        try {
            if (spec.equals(WORKING_TREE)) {
                ObjectId head = repo.resolve("HEAD^{commit}");
                String subject = head == null ? "working tree (no commit yet)"
                        : clean() ? "working tree without uncommitted changes (the same as " + head.abbreviate(10).name() + ")"
                        : "working tree with uncommitted changes (on top of " + head.abbreviate(10).name() + ")";
                return new ResolvedRevision(spec, head == null ? null : head.name(), null, subject, null, true);
            }
            ObjectId id = repo.resolve(spec + "^{commit}");
            if (id == null) throw unknown(spec);
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit commit = walk.parseCommit(id);
                String date = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        commit.getAuthorIdent().getWhenAsInstant().atOffset(ZoneOffset.UTC));
                return new ResolvedRevision(spec, commit.name(), commit.getTree().name(),
                        commit.getShortMessage(), date, false);
            }
        } catch (AmbiguousObjectException e) {
            throw new UsageException(UsageException.Reason.REVISION, "revision '" + spec + "' is ambiguous in " + where() + "; give more digits of the sha");
        } catch (RevisionSyntaxException | IOException e) {
            throw unknown(spec);
        }
    }

    /** No tracked file changed and no untracked file that is not ignored (what "." adds to HEAD); read only. */
    private boolean clean() throws IOException {
        if (repo.isBare()) return true;
        try {
            return org.eclipse.jgit.api.Git.wrap(repo).status().call().isClean();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private UsageException unknown(String spec) {
        if (isShallow()) {
            return new UsageException(UsageException.Reason.REVISION, "unknown revision '" + spec + "' in " + where() + ": this clone is shallow, so older commits"
                    + " are not here; fetch them with: git fetch --unshallow (in CI: fetch-depth: 0 in the checkout step)");
        }
        return new UsageException(UsageException.Reason.REVISION, "unknown revision '" + spec + "' in " + where()
                + " (expected a branch, tag, sha, HEAD~n, origin/main, or . for the working tree)");
    }

    /** A shallow clone lists its cut-off commits in .git/shallow. */
    private boolean isShallow() {
        return new java.io.File(repo.getDirectory(), "shallow").isFile();
    }

    private String where() {
        return repo.getWorkTree().getAbsolutePath();
    }
}
