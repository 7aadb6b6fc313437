package dev.losscompare.core.result;

/**
 * A path a trainer read from the user's working tree instead of the revision (a {@code [trainer]}'s
 * {@code from_working_tree}: a prepared dataset, a downloaded tokenizer), as every side saw it:
 * {@code fingerprint} (see docs/architecture.md, "Inputs from the working tree"), how many files and
 * bytes it held. Part of every run's result key, so a change to it retrains.
 */
public record WorkingTreeInput(String path, String fingerprint, long files, long bytes) {
    /** "data/ (sha256:1f2e3d4c5b6a7980, 2 files, 1.2 MB)". */
    public String describe() {
        return path + " (" + fingerprint + ", " + files + (files == 1 ? " file, " : " files, ") + size(bytes) + ")";
    }

    private static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
