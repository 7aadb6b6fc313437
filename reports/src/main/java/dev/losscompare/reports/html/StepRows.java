package dev.losscompare.reports.html;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;

/**
 * Which steps the HTML step table lists. Short runs: all of them. Long runs: the start, a window
 * around the first divergence, and the end, so the page stays small; the linked .jsonl files have
 * every step.
 */
final class StepRows {
    static final int ALL_UP_TO = 500;
    static final int HEAD = 200, BEFORE = 50, AFTER = 150, TAIL = 100;

    private StepRows() {}

    /** The steps to show in order; a null entry stands for a run of omitted steps. */
    static List<Integer> select(NavigableSet<Integer> steps, Integer firstDivergence) {
        List<Integer> all = new ArrayList<>(steps);
        if (all.size() <= ALL_UP_TO) return all;
        boolean[] keep = new boolean[all.size()];
        for (int i = 0; i < HEAD; i++) keep[i] = true;
        for (int i = all.size() - TAIL; i < all.size(); i++) keep[i] = true;
        if (firstDivergence != null) {
            int at = 0;
            while (at < all.size() && all.get(at) < firstDivergence) at++;
            for (int i = Math.max(0, at - BEFORE); i < Math.min(all.size(), at + AFTER); i++) keep[i] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (keep[i]) out.add(all.get(i));
            else if (out.isEmpty() || out.get(out.size() - 1) != null) out.add(null);
        }
        return out;
    }
}
