package dev.losscompare.harness.diagnose;

import java.util.ArrayList;
import java.util.List;

/**
 * Pairs two sides' ops of one step: by position while their (module, op) keys agree; where they
 * stop agreeing, at the nearest point where both streams agree again for a while (the fewest ops
 * skipped on either side), so one inserted or removed op is one op only one side has, and the ops
 * after it pair up again.
 */
final class OpAlignment {
    /** How many following keys must agree for two positions to count as back in step. */
    private static final int AGREE = 8;
    /** The most ops skipped (both sides together) looking for that point. */
    private static final int SEARCH = 400;

    /** One aligned position: an index into each side's ops, or -1 when only the other side has it. */
    record Pair(int baseline, int test) {
        String onlyIn() {
            return baseline < 0 ? "test" : test < 0 ? "baseline" : null;
        }
    }

    private OpAlignment() {}

    static List<Pair> align(List<String> b, List<String> t) {
        List<Pair> out = new ArrayList<>();
        int i = 0, j = 0;
        while (i < b.size() && j < t.size()) {
            if (b.get(i).equals(t.get(j))) {
                out.add(new Pair(i++, j++));
                continue;
            }
            int[] skip = resync(b, t, i, j);
            if (skip == null) {   // nothing agrees again nearby: the rest differs in structure
                break;
            }
            for (int a = 0; a < skip[0]; a++) out.add(new Pair(i++, -1));
            for (int a = 0; a < skip[1]; a++) out.add(new Pair(-1, j++));
        }
        while (i < b.size()) out.add(new Pair(i++, -1));
        while (j < t.size()) out.add(new Pair(-1, j++));
        return out;
    }

    /** The fewest ops {a, b} to skip on each side so that the next keys agree, or null. */
    private static int[] resync(List<String> b, List<String> t, int i, int j) {
        for (int d = 1; d <= SEARCH; d++) {
            for (int a = 0; a <= d; a++) {
                int x = i + a, y = j + d - a;
                if (x > b.size() || y > t.size()) continue;
                if (agree(b, t, x, y)) return new int[] {a, d - a};
            }
        }
        return null;
    }

    private static boolean agree(List<String> b, List<String> t, int x, int y) {
        int n = Math.min(AGREE, Math.min(b.size() - x, t.size() - y));
        if (n == 0) return b.size() - x == 0 && t.size() - y == 0;
        for (int k = 0; k < n; k++) if (!b.get(x + k).equals(t.get(y + k))) return false;
        return true;
    }
}
