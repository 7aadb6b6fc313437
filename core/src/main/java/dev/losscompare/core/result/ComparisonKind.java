package dev.losscompare.core.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What was compared with what, as comparison.json's {@code kind}: two revisions trained now
 * ({@code compare}), a run against an imported loss file ({@code import}), the working tree against
 * the goldens ({@code gate}), or two runs that already existed ({@code diff}).
 */
public enum ComparisonKind {
    COMPARE, IMPORT, GATE, DIFF;

    /** The value in comparison.json, junit.xml and the report: "compare", "import", "gate", "diff". */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ComparisonKind of(String json) {
        for (ComparisonKind k : values()) if (k.json().equals(json)) return k;
        throw new IllegalArgumentException("unknown comparison kind '" + json + "'");
    }

    /** False for a diff of existing runs: nothing was trained, so seed and threads say nothing. */
    public boolean trainedHere() {
        return this != DIFF;
    }
}
