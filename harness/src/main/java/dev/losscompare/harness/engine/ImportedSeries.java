package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.sources.SeriesFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A baseline read from a loss file (--import-result): the same for every case, its length whatever the file has. */
public record ImportedSeries(Path file, RunSeries imported) implements RecordedSide {
    @Override
    public Revision describe() {
        return new Revision(file.toString(), null, "imported loss file", null, false);
    }

    @Override
    public Role role() {
        return Role.BASELINE;
    }

    @Override
    public ComparisonKind kind() {
        return ComparisonKind.IMPORT;
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) throws IOException {
        Path copy = caseDir.resolve("baseline.jsonl");
        SeriesFiles.write(imported, copy);
        RunInfo info = new RunInfo("baseline", List.of(), caseDir.getParent().relativize(copy).toString(), null, null, null,
                null, false, imported.meta());
        return new SideResult(info, imported);
    }

    @Override
    public boolean trainedLikeTheTest() {
        return false;
    }
}
