package dev.losscompare.trainer.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps {@code --debug.trace_steps} names: a comma-separated list of step numbers and
 * inclusive ranges ({@code 1}, {@code 1-3}, {@code 2,5}, {@code 1-3,7}); empty means tracing is off.
 */
public final class TraceSteps {
    public static final TraceSteps NONE = new TraceSteps(List.of());

    /** Inclusive [from, to] pairs, as written. */
    private final List<int[]> ranges;

    private TraceSteps(List<int[]> ranges) {
        this.ranges = ranges;
    }

    /** @throws IllegalArgumentException saying what is wrong with the spec */
    public static TraceSteps parse(String spec) {
        if (spec.isEmpty()) return NONE;
        List<int[]> ranges = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String item = part.strip();
            int dash = item.indexOf('-', 1);
            int from = step(dash < 0 ? item : item.substring(0, dash));
            int to = dash < 0 ? from : step(item.substring(dash + 1));
            if (to < from) throw new IllegalArgumentException("the range " + item + " runs backwards");
            ranges.add(new int[] {from, to});
        }
        return new TraceSteps(List.copyOf(ranges));
    }

    private static int step(String text) {
        try {
            int step = Integer.parseInt(text.strip());
            if (step >= 1) return step;
        } catch (NumberFormatException e) {
            // not a number: the message below says so
        }
        throw new IllegalArgumentException("'" + text + "' is not a step number >= 1");
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean contains(int step) {
        for (int[] r : ranges) {
            if (step >= r[0] && step <= r[1]) return true;
        }
        return false;
    }

    /** The highest step named (0 when empty). */
    public int last() {
        int last = 0;
        for (int[] r : ranges) last = Math.max(last, r[1]);
        return last;
    }

    /** The traced steps up to {@code maxStep}, ascending. */
    public List<Integer> upTo(int maxStep) {
        List<Integer> steps = new ArrayList<>();
        for (int s = 1; s <= Math.min(maxStep, last()); s++) if (contains(s)) steps.add(s);
        return steps;
    }
}
