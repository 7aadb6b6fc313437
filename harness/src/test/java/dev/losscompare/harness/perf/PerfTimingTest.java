package dev.losscompare.harness.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of the timed rounds: A B, B A, A B, …, so each side goes first as often as the rounds allow. */
class PerfTimingTest {
    @Test
    void twoSidesAlternateWhichGoesFirstAndOneSideRunsAlone() {
        assertEquals(List.of(0, 1), PerfTiming.order(1, 2));
        assertEquals(List.of(1, 0), PerfTiming.order(2, 2));
        assertEquals(List.of(0, 1), PerfTiming.order(3, 2));
        assertEquals(List.of(0), PerfTiming.order(2, 1));
        assertEquals("A B, B A, A B, B A", PerfTiming.orderText(4));
    }
}
