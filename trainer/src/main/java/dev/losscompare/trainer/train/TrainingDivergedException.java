package dev.losscompare.trainer.train;

/** The loss or grad norm went NaN/infinite. The step is already in the metrics file. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
