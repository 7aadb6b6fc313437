package dev.losscompare.harness.engine;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Environments;
import dev.losscompare.harness.adapter.InEnvironment;
import dev.losscompare.harness.environment.SideFacts;
import java.util.List;
import java.util.Map;

/** What each side of a plan ran in, once its cases ran: null unless an environment was chosen for a side. */
final class SideEnvironments {
    private SideEnvironments() {}

    static Environments of(CaseEngine.Plan plan, List<CaseResult> results) {
        InEnvironment base = chosen(plan.baseline()), test = chosen(plan.test());
        if (base == null && test == null) return null;
        return Environments.of(name(base), name(test), SideFacts.of(probed(base), results, CaseResult::baseline),
                SideFacts.of(probed(test), results, CaseResult::test));
    }

    private static InEnvironment chosen(Side side) {
        TrainedSide t = side == null ? null : side.trained();
        return t != null && t.adapter() instanceof InEnvironment e ? e : null;
    }

    private static String name(InEnvironment e) {
        return e == null ? Environments.DEFAULT : e.environment().name();
    }

    private static Map<String, String> probed(InEnvironment e) {
        return e == null ? Map.of() : e.probed();
    }
}
