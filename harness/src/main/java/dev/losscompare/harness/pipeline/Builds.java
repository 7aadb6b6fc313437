package dev.losscompare.harness.pipeline;

import java.io.IOException;

/** Builds each distinct revision of a comparison once, in order; the first failure stops the rest. */
final class Builds {
    private Builds() {}

    /** Returns the first build error line, or null. Null revisions are skipped; equal contents are built once. */
    static String buildAll(TrainedRevision... revisions) throws IOException {
        java.util.Set<String> built = new java.util.HashSet<>();
        for (TrainedRevision r : revisions) {
            if (r == null || !built.add(r.tree().key())) continue;
            String error = r.build();
            if (error != null) return error;
        }
        return null;
    }
}
