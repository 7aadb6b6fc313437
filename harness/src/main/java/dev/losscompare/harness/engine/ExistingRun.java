package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.core.sources.SourcedSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A run that already exists (a metrics file, a TensorBoard folder, a log): read, never trained;
 * {@code diff}'s two sides. (Where a side was read from printed text the judge compares at its
 * decimals: see CaseJudge.)
 */
public record ExistingRun(Role role, SourcedSeries run) implements RecordedSide {
    @Override
    public Revision describe() {
        return new Revision(run.origin().toString(), null, run.format() + " run", null, false);
    }

    /** Copied into the case folder as &lt;role&gt;.jsonl, so the report links the series it judged. */
    @Override
    public SideResult series(CaseSpec c, Path caseDir) throws IOException {
        Path copy = caseDir.resolve(role.word() + ".jsonl");
        SeriesFiles.write(run.series(), copy);
        RunInfo info = new RunInfo(role.word(), List.of(), caseDir.getParent().relativize(copy).toString(), null, null, null, null,
                false, run.series().meta());
        return new SideResult(info, run.series(), run.decimals());
    }

    @Override
    public boolean trainedLikeTheTest() {
        return false;
    }

    @Override
    public ComparisonKind kind() {
        return ComparisonKind.DIFF;
    }
}
