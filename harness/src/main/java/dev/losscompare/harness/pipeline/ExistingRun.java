package dev.losscompare.harness.pipeline;

import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.core.sources.SourcedSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A run that already exists (a metrics file, a TensorBoard folder, a log): read, never trained. */
public record ExistingRun(String role, SourcedSeries run) implements Side {
    @Override
    public Revision describe() {
        return new Revision(run.origin().toString(), null, run.format() + " run", null, false);
    }

    /** Copied into the case folder as &lt;role&gt;.jsonl, so the report links the series it judged. */
    @Override
    public SideResult series(CaseSpec c, Path caseDir) throws IOException {
        Path copy = caseDir.resolve(role + ".jsonl");
        SeriesFiles.write(run.series(), copy);
        RunInfo info = new RunInfo(role, List.of(), caseDir.getParent().relativize(copy).toString(), null, null, null, null,
                false, run.series().meta());
        return new SideResult(info, run.series(), run.decimals());
    }

    @Override
    public Integer expectedSteps(CaseSpec c) {
        return null;
    }
}
