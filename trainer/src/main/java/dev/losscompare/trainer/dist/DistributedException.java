package dev.losscompare.trainer.dist;

/** A rendezvous or collective failed; the message is one line that says what to do. */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message) {
        super(message);
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("").trim();
    }
}
