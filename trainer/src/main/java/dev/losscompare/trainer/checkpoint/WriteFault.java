package dev.losscompare.trainer.checkpoint;

import dev.losscompare.trainer.config.ConfigException;

/**
 * For tests: LOSS_COMPARE_FAULT_CHECKPOINT_STEP=N makes the writer of checkpoint step-N stop
 * halfway through its tensor data, say so on stdout and wait to be killed, so a test can SIGKILL
 * a run in the middle of a checkpoint write.
 */
final class WriteFault {
    static final String VARIABLE = "LOSS_COMPARE_FAULT_CHECKPOINT_STEP";
    private final int step;

    private WriteFault(int step) {
        this.step = step;
    }

    static WriteFault fromEnvironment() {
        String value = System.getenv(VARIABLE);
        if (value == null || value.isBlank()) return new WriteFault(-1);
        try {
            return new WriteFault(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("bad " + VARIABLE + " '" + value + "': expected a step");
        }
    }

    void pauseIfAt(int currentStep) {
        if (currentStep != step) return;
        System.out.println("fault injected: writing checkpoint step-" + step + " paused halfway (" + VARIABLE + ")");
        System.out.flush();
        try {
            Thread.sleep(600_000); // a test that forgot to kill it: give up after 10 minutes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        java.lang.Runtime.getRuntime().halt(1);
    }
}
