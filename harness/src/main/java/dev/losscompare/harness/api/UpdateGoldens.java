package dev.losscompare.harness.api;

import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.gate.GoldenSink;
import dev.losscompare.harness.gate.GoldenUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * gate --update: records new goldens from the working tree (the suite's [gate] settings, the
 * portable kernels) and says per case what changed ({@link GoldenUpdate}).
 */
public final class UpdateGoldens extends Verb<UpdateGoldens, GoldenUpdate> implements SuiteVerb<UpdateGoldens> {
    private final Gate gate;

    UpdateGoldens(LossCompare lc) {
        super(lc);
        this.gate = new Gate(lc);
    }

    /** --suite (default configs/signoff.toml). */
    @Override
    public UpdateGoldens setSuite(Path file) {
        gate.setSuite(file);
        return this;
    }

    /** --cases: only these cases of the suite. */
    @Override
    public UpdateGoldens setCases(List<String> names) {
        gate.setCases(names);
        return this;
    }

    /** --golden-dir (default configs/golden). */
    public UpdateGoldens setGoldenDir(Path dir) {
        gate.setGoldenDir(dir);
        return this;
    }

    /** --native-kernels: record with this machine's fastest kernels. */
    public UpdateGoldens setNativeKernels(boolean use) {
        gate.setNativeKernels(use);
        return this;
    }

    @Override
    public GoldenUpdate call() throws IOException {
        gate.outputFolder = outputFolder;
        gate.timeout = timeout;
        gate.buildTimeout = buildTimeout;
        return gate.onWorkingTree(run -> {
            String commit = run.tree().revision().commitId() == null ? "working tree" : run.tree().revision().commitId();
            GoldenSink sink = new GoldenSink(run.store(), run.suite().gate(), run.tree().dir(), commit);
            try (Seeds none = Seeds.none()) {
                return CaseEngine.run(new CaseEngine.Plan(run.session(), run.training(), null, run.side(), run.cases(), none, 1), sink);
            }
        });
    }
}
