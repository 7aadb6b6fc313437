package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.JobConfig;

/**
 * torchtitan's warmup-stable-decay schedule (components/lr_scheduler.py:107-180) as a factor on
 * the base learning rate for a 0-indexed optimizer step: warmup (step+1)/warmup, then 1, then the
 * last decay_ratio of training down towards min_lr_factor. The stable phase counts a virtual
 * step after the last one (lr_scheduler.py:127-128), so the last step's factor is never the floor.
 */
public record LrSchedule(int warmupSteps, int stableSteps, int decaySteps, String decayType, double minLrFactor) {

    public static LrSchedule of(JobConfig.LrScheduler s, int trainingSteps) {
        int warmup = Math.min(s.warmupSteps(), trainingSteps);
        // Python's round() is half-to-even; Math.rint is too.
        int decay = (int) Math.rint(trainingSteps * s.decayRatio());
        if (warmup + decay > trainingSteps) decay = trainingSteps - warmup;
        int stable = trainingSteps + 1 - warmup - decay;
        return new LrSchedule(warmup, stable, decay, s.decayType(), s.minLrFactor());
    }

    public double factor(int step) {
        if (step < warmupSteps) return (step + 1) / (double) warmupSteps;
        if (step < warmupSteps + stableSteps) return 1.0;
        double progress = (step + 1 - (warmupSteps + stableSteps)) / (double) decaySteps;
        double adjustment = switch (decayType) {
            case "linear" -> 1 - progress;
            case "sqrt" -> 1 - StrictMath.sqrt(progress);
            case "cosine" -> 0.5 * (1.0 + StrictMath.cos(StrictMath.PI * progress));
            default -> throw new IllegalStateException("decay_type " + decayType);
        };
        return minLrFactor + (1 - minLrFactor) * adjustment;
    }
}
