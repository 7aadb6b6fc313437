package dev.losscompare.harness.bisect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search alone, against every possible answer: probe counts from information theory, skips, rounds. */
class SearchTest {
    /** Runs the search for a range of n commits whose first differing commit is {@code first} (n: none). Returns {probes, rounds}. */
    private static int[] simulate(int n, int first, int k, Set<Integer> skipped, Search search) {
        int probes = 0;
        int rounds = 0;
        while (!search.decided()) {
            List<Integer> points = search.next(k);
            assertTrue(!points.isEmpty() && points.size() <= k, points.toString());
            rounds++;
            for (int i : points) {
                probes++;
                search.record(i, skipped.contains(i) ? Search.Outcome.SKIPPED
                        : i >= first ? Search.Outcome.DIFFERS : Search.Outcome.SAME);
            }
        }
        return new int[] {probes, rounds};
    }

    @Test
    void sequentialSearchNeedsCeilLog2OfTheAnswersProbes() {
        for (int n : new int[] {1, 2, 7, 8, 31, 100}) {
            int bound = 32 - Integer.numberOfLeadingZeros(n);   // ceil(log2(n + 1))
            for (int first = 0; first <= n; first++) {
                Search s = new Search(n);
                int[] cost = simulate(n, first, 1, Set.of(), s);
                assertEquals(first, s.answer(), "n=" + n);
                assertTrue(cost[0] <= bound, "n=" + n + " first=" + first + ": " + cost[0] + " probes > " + bound);
            }
        }
    }

    @Test
    void kProbesPerRoundCutTheRounds() {
        int n = 31;
        for (int first = 0; first <= n; first++) {
            Search s = new Search(n);
            int[] cost = simulate(n, first, 3, Set.of(), s);
            assertEquals(first, s.answer());
            assertTrue(cost[1] <= 3, "first=" + first + ": " + cost[1] + " rounds (32 answers, 4 parts a round)");
        }
        Search eight = new Search(8);
        int[] cost = simulate(8, 4, 2, Set.of(), eight);
        assertEquals(4, eight.answer());
        assertTrue(cost[0] <= 4 && cost[1] <= 2, cost[0] + " probes, " + cost[1] + " rounds");
    }

    @Test
    void skipsNextToTheAnswerAreSteppedAroundAndSkipsBeforeItLeaveCandidates() {
        Search after = new Search(31);
        simulate(31, 18, 1, Set.of(19, 20), after);
        assertEquals(18, after.answer(), "skips after the culprit do not hide it");

        Search before = new Search(31);
        simulate(31, 18, 1, Set.of(16, 17), before);
        assertEquals(-1, before.answer());
        assertEquals(List.of(16, 17, 18), before.candidates());
        assertTrue(!before.noneStillPossible());

        Search badSkipped = new Search(5);
        simulate(5, 5, 1, Set.of(4), badSkipped);
        assertEquals(-1, badSkipped.answer());
        assertEquals(List.of(4), badSkipped.candidates());
        assertTrue(badSkipped.noneStillPossible(), "BAD untestable: maybe nothing changed");
    }

    @Test
    void theEstimateOfProbesLeftIsExactForASequentialSearch() {
        Search s = new Search(31);
        assertEquals(5, s.probesLeft(1, Set.of()));
        s.record(15, Search.Outcome.SAME);
        assertEquals(4, s.probesLeft(1, Set.of()));
        assertEquals(1 + 3, s.probesLeft(1, Set.of(23)), "one running, then a half left");
    }
}
