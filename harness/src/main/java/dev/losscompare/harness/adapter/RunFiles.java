package dev.losscompare.harness.adapter;

import java.nio.file.Path;

/**
 * Where one side's run of a case writes: the JSON Lines series the report links ({@code series}),
 * the file a JSONL-writing trainer fills while it runs ({@code partial}, renamed to {@code series}
 * once the process is gone), a TensorBoard folder and a scratch folder for the trainer's own dumps.
 */
public record RunFiles(Path series, Path partial, Path tensorboard, Path scratch) {
    public static RunFiles of(Path caseDir, String side) {
        return new RunFiles(caseDir.resolve(side + ".jsonl"), caseDir.resolve(side + ".jsonl.partial"),
                caseDir.resolve(side + "_tb"), caseDir.resolve(side + "_run"));
    }
}
