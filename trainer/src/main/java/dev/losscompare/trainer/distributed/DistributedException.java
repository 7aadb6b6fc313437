package dev.losscompare.trainer.distributed;

/** A rendezvous or collective failed; the message is one line that says what to do. */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message) {
        super(message);
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        // libtorch prefixes gloo errors with "[/path/of/the/build/file.cc:538] ": the path says nothing to a user.
        return m.lines().findFirst().orElse("").replaceFirst("^\\[[^\\]]*\\] ", "").trim();
    }
}
