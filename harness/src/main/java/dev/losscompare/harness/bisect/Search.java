package dev.losscompare.harness.bisect;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The search over the n commits of a range, as indices 0..n-1 (n-1 is BAD; GOOD, before index
 * 0, is known to be the same). The answer is the first index whose series differ, or n when
 * none does ("no change"); so there are n+1 answers and a sequential binary search needs
 * ceil(log2(n+1)) probes, BAD included only when the answer could be "no change".
 * With k probes per round (k-ary search) each round cuts the answers into k+1 parts.
 * A skipped commit (no build, a crash) is never chosen again; a point that lands on one moves
 * to the nearest commit not yet probed. When only skipped commits separate the last commit known
 * to be the same from the first known to differ, the answer is a range of candidates.
 */
public final class Search {
    public enum Outcome { SAME, DIFFERS, SKIPPED }

    private final int n;
    private final Outcome[] outcomes;

    public Search(int n) {
        if (n < 1) throw new IllegalArgumentException("an empty range");
        this.n = n;
        this.outcomes = new Outcome[n];
    }

    public int size() {
        return n;
    }

    public void record(int index, Outcome outcome) {
        outcomes[index] = outcome;
    }

    /** The first index known to differ, or n. */
    int hi() {
        for (int i = 0; i < n; i++) if (outcomes[i] == Outcome.DIFFERS) return i;
        return n;
    }

    /** One past the last index below hi() known to be the same (0: only GOOD is). */
    int lo() {
        int hi = hi();
        for (int i = hi - 1; i >= 0; i--) if (outcomes[i] == Outcome.SAME) return i + 1;
        return 0;
    }

    /** Commits in [lo, hi) not probed yet. */
    private TreeSet<Integer> open() {
        TreeSet<Integer> open = new TreeSet<>();
        for (int i = lo(); i < hi(); i++) if (outcomes[i] == null) open.add(i);
        return open;
    }

    public boolean decided() {
        return open().isEmpty();
    }

    /**
     * Up to k commits to probe next, spread so that they cut the remaining answers into k+1
     * nearly equal parts. Empty when the search is decided.
     */
    public List<Integer> next(int k) {
        TreeSet<Integer> open = open();
        List<Integer> chosen = new ArrayList<>();
        int lo = lo();
        int answers = hi() - lo + 1;
        int points = Math.min(k, open.size());
        for (int j = 1; j <= points; j++) {
            // Probing index i splits the answers into [lo, i] and [i+1, hi].
            int ideal = lo + (int) Math.round((double) j * answers / (points + 1)) - 1;
            Integer pick = nearest(open, ideal);
            if (pick == null) break;
            open.remove(pick);
            chosen.add(pick);
        }
        chosen.sort(null);
        return chosen;
    }

    private static Integer nearest(TreeSet<Integer> open, int ideal) {
        Integer below = open.floor(ideal);
        Integer above = open.ceiling(ideal);
        if (below == null) return above;
        if (above == null) return below;
        return ideal - below <= above - ideal ? below : above;
    }

    /**
     * A rough count of the probes still to come with k per round (the "~N probes left" of the
     * live output): those still running, then enough rounds to narrow what they leave open.
     */
    public int probesLeft(int k, java.util.Set<Integer> running) {
        int lo = lo();
        int hi = hi();
        long inside = running.stream().filter(i -> i >= lo && i < hi).count();
        TreeSet<Integer> open = open();
        open.removeAll(running);
        int answers = (int) ((open.size() + inside + 1 + inside) / (inside + 1));
        int left = running.size();
        while (answers > 1) {
            int p = Math.min(k, answers - 1);
            left += p;
            answers = (answers + p) / (p + 1);
        }
        return left;
    }

    /** The first commit that differs, when decided exactly; -1 otherwise. n means no commit differs. */
    public int answer() {
        if (!decided()) throw new IllegalStateException("not decided");
        return lo() == hi() ? hi() : -1;
    }

    /** When only skipped commits hide the answer: the candidates lo..hi (hi == n: "or none of them"). */
    public List<Integer> candidates() {
        List<Integer> c = new ArrayList<>();
        for (int i = lo(); i <= Math.min(hi(), n - 1); i++) c.add(i);
        return c;
    }

    /** Whether "no commit changed anything" is still among the candidates. */
    public boolean noneStillPossible() {
        return hi() == n;
    }
}
