package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.JobConfig;

/**
 * torchtitan's linear warmup, stable, then decay schedule, as a factor on the base learning rate
 * for a 0-indexed optimizer step. Warmup ramps (step+1)/(warmup+1); decay covers the last
 * decay_ratio of training down to min_lr_factor.
 */
public record LrSchedule(int warmupSteps, int stableSteps, int decaySteps, String decayType, double minLrFactor) {

    public static LrSchedule of(JobConfig.LrScheduler s, int trainingSteps) {
        int warmup = Math.min(s.warmupSteps(), trainingSteps);
        int decay = (int) Math.round(trainingSteps * s.decayRatio());
        decay = Math.max(0, Math.min(decay, trainingSteps - warmup));
        int stable = trainingSteps - warmup - decay;
        return new LrSchedule(warmup, stable, decay, s.decayType(), s.minLrFactor());
    }

    public double factor(int step) {
        if (step < warmupSteps) return (step + 1) / (double) (warmupSteps + 1);
        if (step < warmupSteps + stableSteps || decaySteps == 0) return 1.0;
        double progress = (step + 1 - warmupSteps - stableSteps) / (double) decaySteps;
        progress = Math.min(1.0, progress);
        double adjustment = switch (decayType) {
            case "linear" -> 1 - progress;
            case "sqrt" -> 1 - Math.sqrt(progress);
            case "cosine" -> 0.5 * (1 + Math.cos(Math.PI * progress));
            default -> throw new IllegalStateException("decay_type " + decayType);
        };
        return minLrFactor + (1 - minLrFactor) * adjustment;
    }
}
