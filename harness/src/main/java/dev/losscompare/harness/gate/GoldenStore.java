package dev.losscompare.harness.gate;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.Wording;
import dev.losscompare.core.io.AtomicFiles;
import dev.losscompare.core.result.ComparisonJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and (atomically) writes the golden files of a directory, one per case. */
public final class GoldenStore {
    /** Where the goldens live unless --golden-dir says otherwise (relative to the working directory). */
    public static final Path DEFAULT_DIR = Path.of("configs/golden");

    private final Path dir;
    private final Wording wording;

    /** {@code wording}: how an unreadable golden's message names the verb that records it again. */
    public GoldenStore(Path dir, Wording wording) {
        this.dir = dir;
        this.wording = wording;
    }

    /** How the call that opened the store names settings and verbs. */
    public Wording wording() {
        return wording;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String caseName) {
        return dir.resolve(caseName + ".json");
    }

    /** The golden of a case, or null if there is none yet. A golden that cannot be read is an error. */
    public Golden read(String caseName) {
        Path f = file(caseName);
        if (!Files.exists(f)) return null;
        try {
            Golden g = ComparisonJson.MAPPER.readValue(f.toFile(), Golden.class);
            if (g.schemaVersion() != Golden.SCHEMA_VERSION || g.series() == null || g.settings() == null) {
                throw new IOException("schema_version " + g.schemaVersion() + " or missing fields");
            }
            return g;
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.FILE, "golden " + f + " is unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "); restore it from git or rerun " + wording.call(Wording.Call.UPDATE_GOLDENS));
        }
    }

    public void write(Golden golden) throws IOException {
        AtomicFiles.writeString(file(golden.caseName()), ComparisonJson.MAPPER.writeValueAsString(golden) + "\n");
    }
}
