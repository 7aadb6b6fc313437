package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.core.result.Revision;

/**
 * One side of a comparison: {@link TrainedSide} (a revision the engine builds, seeds and trains
 * now) or a {@link RecordedSide} (a series that exists already: a run on disk, an imported loss
 * file, a golden, GOOD's runs in a bisect). The engine drives the first and reads the second.
 */
public sealed interface Side permits TrainedSide, RecordedSide {
    /** How the report names this side. */
    Revision describe();

    /** Which side it is. */
    Role role();
}
