package dev.losscompare.harness.engine;

import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.run.ActiveProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the trained sides of a comparison, each distinct content once, in order; the first failure stops the rest. */
public final class Builds {
    private Builds() {}

    /** Returns the first build error line, or null. Equal contents are built once. */
    static String buildAll(Session session, List<TrainedSide> sides) throws IOException {
        Set<String> built = new HashSet<>();
        for (TrainedSide side : sides) {
            if (!built.add(side.tree().key())) continue;
            String error = build(session, side);
            if (error != null) return error;
        }
        return null;
    }

    /** Builds once per content (the revision cache keeps finished builds); returns the error line, or null. */
    public static String build(Session session, TrainedSide side) throws IOException {
        String role = side.role().word();
        String spec = side.tree().revision().spec();
        Path log = session.out().resolve(role + "_build.log");
        session.console().out().println("building " + role + " " + spec + " ...");
        BuildResult r = session.revisions().build(side.tree(), log, session.buildTimeout(), side.adapter().buildCommand(side.tree().dir()),
                side.adapter().buildEnvironment(), session.launcher());
        if (ActiveProcesses.shuttingDown()) throw new Interrupted();
        if (!r.ok()) return r.reason() + "; log: " + session.show(log);
        session.console().out().println("built " + role + " " + spec + (r.reused() ? " (cached build)" : ""));
        String layout = side.adapter().describe(side.tree().dir());   // e.g. which torchtitan layout this revision has
        if (layout != null) session.console().out().println(role + " " + spec + ": " + layout);
        return null;
    }
}
