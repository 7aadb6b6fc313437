package dev.losscompare.harness.api;

import dev.losscompare.harness.UsageException;
import java.util.List;

/** training.num_threads as the trainer will see it: --threads, then the last override in the options wins. */
final class Threads {
    private Threads() {}

    static int effective(int threads, List<String> options) {
        int t = threads;
        for (String opt : options) {
            if (opt.startsWith("--training.num_threads=")) {
                try {
                    t = Integer.parseInt(opt.substring(opt.indexOf('=') + 1).strip());
                } catch (NumberFormatException e) {
                    throw new UsageException("--training.num_threads needs a whole number, got: " + opt);
                }
            }
        }
        return Math.max(1, t);
    }
}
