package dev.losscompare.harness.resume;

import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.run.TrainerArgs;

/** A trained side as its resume check runs it: the engine's side with the session and training of its plan. */
record CheckedSide(Session session, Training training, TrainedSide side) {
    /** "baseline" or "test": the folder and the verdict line name the side so. */
    String role() {
        return side.role().word();
    }

    String spec() {
        return side.tree().revision().spec();
    }

    TrainerAdapter adapter() {
        return side.adapter();
    }

    TrainerArgs args(CaseSpec c) {
        return side.args(c, training);
    }
}
