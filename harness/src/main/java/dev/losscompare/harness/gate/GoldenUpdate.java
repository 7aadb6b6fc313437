package dev.losscompare.harness.gate;

import dev.losscompare.core.result.ExitCode;
import java.util.List;

/** What gate --update did: one line per case ("llama3_flex: unchanged -> configs/golden/llama3_flex.json", or an ERROR). */
public record GoldenUpdate(List<String> lines, boolean complete) {
    public GoldenUpdate {
        lines = List.copyOf(lines);
    }

    /** 0 when every golden was written, else 2 (the ERROR lines say which were not). */
    public int exitCode() {
        return complete ? ExitCode.MATCH : ExitCode.UNDECIDED;
    }
}
