package dev.losscompare.harness.bisect;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.git.ResolvedRevision;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * The commits bisect searches: BAD's first-parent chain back to GOOD (GOOD excluded, BAD
 * included), oldest first. The mainline is what a merge queue tested, so a merged branch counts
 * as its merge commit. Every way the two revisions fail to make such a range is one clear line.
 */
public final class FirstParentPath {
    private FirstParentPath() {}

    /** GOOD and the commits after it up to BAD (oldest first; never empty). */
    public record Range(Commit good, List<Commit> commits) {
        public Range {
            commits = List.copyOf(commits);
        }

        public Commit bad() {
            return commits.get(commits.size() - 1);
        }
    }

    public static Range between(Repository repo, ResolvedRevision good, ResolvedRevision bad) {
        for (ResolvedRevision r : List.of(good, bad)) {
            if (r.workingTree()) {
                throw new UsageException(UsageException.Reason.REVISION, "bisect probes commits, and '" + r.spec() + "' is the working tree; commit it first, "
                        + "or name a commit such as HEAD");
            }
        }
        if (good.commitId().equals(bad.commitId())) {
            throw new UsageException(UsageException.Reason.REVISION, "GOOD " + good.spec() + " and BAD " + bad.spec() + " are the same commit (" + good.shortId()
                    + "): nothing to bisect; name an older GOOD");
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit g = walk.parseCommit(ObjectId.fromString(good.commitId()));
            RevCommit b = walk.parseCommit(ObjectId.fromString(bad.commitId()));
            if (!walk.isMergedInto(g, b)) throw notAncestor(repo, walk, good, bad, g, b);
            List<Commit> path = new ArrayList<>();
            for (RevCommit c = b; !c.equals(g); c = walk.parseCommit(c.getParent(0))) {
                if (c.getParentCount() == 0) throw notOnFirstParentPath(walk, good, bad, g, b);
                path.add(describe(c));
            }
            Collections.reverse(path);
            return new Range(describe(g), path);
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.REVISION, "cannot walk the history from " + good.spec() + " to " + bad.spec() + ": " + e.getMessage());
        }
    }

    private static UsageException notAncestor(Repository repo, RevWalk walk, ResolvedRevision good, ResolvedRevision bad,
                                              RevCommit g, RevCommit b) throws IOException {
        walk.reset();
        if (walk.isMergedInto(b, g)) {
            return new UsageException(UsageException.Reason.REVISION, "the range " + good.spec() + ".." + bad.spec() + " is empty: BAD " + bad.spec() + " ("
                    + bad.shortId() + ") is an ancestor of GOOD " + good.spec() + " (" + good.shortId()
                    + "); swapped? loss_compare.sh bisect " + bad.spec() + " " + good.spec());
        }
        walk.reset();
        walk.setRevFilter(RevFilter.MERGE_BASE);
        walk.markStart(walk.parseCommit(g));
        walk.markStart(walk.parseCommit(b));
        RevCommit base = walk.next();
        return new UsageException(UsageException.Reason.REVISION, "GOOD " + good.spec() + " (" + good.shortId() + ") is not an ancestor of BAD " + bad.spec() + " ("
                + bad.shortId() + ")" + (base == null ? ": they share no history"
                : ": their histories parted after " + base.abbreviate(10).name()) + "; bisect needs GOOD on BAD's history");
    }

    /** GOOD came into BAD through a merge: the oldest mainline commit that contains it is that merge. */
    private static UsageException notOnFirstParentPath(RevWalk walk, ResolvedRevision good, ResolvedRevision bad, RevCommit g,
                                                       RevCommit b) throws IOException {
        RevCommit merge = b;
        for (RevCommit c = b; c.getParentCount() > 0; ) {
            RevCommit parent = walk.parseCommit(c.getParent(0));
            if (!walk.isMergedInto(g, parent)) break;
            merge = parent;
            c = parent;
        }
        return new UsageException(UsageException.Reason.REVISION, "GOOD " + good.spec() + " (" + good.shortId() + ") is not on the first-parent path of BAD "
                + bad.spec() + ": it came in through the merge " + merge.abbreviate(10).name()
                + "; use that merge (or a commit before it on the mainline) as GOOD");
    }

    static Commit describe(RevCommit c) {
        PersonIdent who = c.getAuthorIdent();
        String date = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(who.getWhenAsInstant().atOffset(ZoneOffset.UTC));
        return new Commit(c.name(), c.getTree().name(), c.getShortMessage(), who.getName() + " <" + who.getEmailAddress() + ">", date);
    }
}
