package dev.losscompare.reports;

import dev.losscompare.core.result.Comparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a sample output folder (passing, failing, crashed and missing cases) and renders it;
 * used by reports/screenshot.sh to look at a real report. Args: DIR [STEPS].
 */
public final class SampleReport {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "sample-report");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Files.createDirectories(dir);
        List<Fixtures.CaseSpec> specs = List.of(
                new Fixtures.CaseSpec("llama3_debugmodel_flex", "llama3", "debugmodel_flex_attn", Fixtures.Kind.DRIFT),
                new Fixtures.CaseSpec("llama3_debugmodel", "llama3", "debugmodel", Fixtures.Kind.SAME),
                new Fixtures.CaseSpec("deepseek_v3_debugmodel", "deepseek_v3", "debugmodel", Fixtures.Kind.CRASH),
                new Fixtures.CaseSpec("llama4_debugmodel", "llama4", "debugmodel", Fixtures.Kind.MISSING));
        Comparison c = Fixtures.sample(dir, steps, specs);
        System.out.println(ReportWriter.writeAll(dir, c));
    }
}
