package dev.losscompare.harness.bisect;

import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * bisect.json: what was searched, every probe in the order it finished, and the result
 * ({@code found}, {@code no_change} or {@code undecided}). Written once, atomically, at the end.
 */
public record BisectRecord(int schemaVersion, String good, String goodCommit, String bad, String badCommit, String reference,
                           String mode, List<String> cases, int steps, int jobs, int commits, List<ProbeEntry> probes,
                           int rounds, String result, CommitEntry culprit, List<String> changes, List<CommitEntry> candidates,
                           Boolean noChangePossible, String report, double wallSeconds) {
    public static final int SCHEMA_VERSION = 1;
    public static final String FILE = "bisect.json";

    public record CommitEntry(String commit, String subject, String author, String date) {
        static CommitEntry of(Commit c) {
            return new CommitEntry(c.id(), c.subject(), c.author(), c.date());
        }
    }

    /** {@code outcome}: same, differs or skipped; {@code reason}: why it was skipped. */
    public record ProbeEntry(int round, String commit, String subject, String outcome, String reason, List<String> changes,
                             double seconds) {}

    static ProbeEntry entry(int round, Probe p) {
        return new ProbeEntry(round, p.commit().id(), p.commit().subject(), p.outcome().name().toLowerCase(), p.reason(),
                p.changes(), Math.round(p.seconds() * 10) / 10.0);
    }

    /** 0 found or no change, 2 could not decide. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int exitCode() {
        return "undecided".equals(result) ? dev.losscompare.core.result.ExitCode.UNDECIDED : dev.losscompare.core.result.ExitCode.MATCH;
    }

    void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), ComparisonJson.MAPPER.writeValueAsString(this) + "\n");
    }
}
