package dev.losscompare.trainer.distributed;

import java.util.Map;

/**
 * For tests of failure handling: LOSS_COMPARE_FAULT_RANK=r and LOSS_COMPARE_FAULT_STEP=s make
 * rank r halt with exit code 1 at the start of step s, like a crash (no cleanup, no flushing of
 * sockets). Unset, nothing happens.
 */
final class FaultInjection {
    static final int EXIT_CODE = 1;
    private final int rank;
    private final int step;

    private FaultInjection(int rank, int step) {
        this.rank = rank;
        this.step = step;
    }

    static FaultInjection fromEnvironment() {
        Map<String, String> env = System.getenv();
        String r = env.get("LOSS_COMPARE_FAULT_RANK"), s = env.get("LOSS_COMPARE_FAULT_STEP");
        if (r == null || s == null) return new FaultInjection(-1, -1);
        try {
            return new FaultInjection(Integer.parseInt(r.trim()), Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            throw new dev.losscompare.trainer.config.ConfigException("bad LOSS_COMPARE_FAULT_RANK/LOSS_COMPARE_FAULT_STEP '"
                    + r + "'/'" + s + "': expected two integers");
        }
    }

    void check(int currentRank, int currentStep) {
        if (currentRank != rank || currentStep != step) return;
        System.out.flush();
        System.err.println("error: fault injected: rank " + rank + " exits at step " + step
                + " (LOSS_COMPARE_FAULT_RANK/LOSS_COMPARE_FAULT_STEP)");
        System.err.flush();
        java.lang.Runtime.getRuntime().halt(EXIT_CODE);
    }
}
