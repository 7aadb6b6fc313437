package dev.losscompare.harness.adapter;

import java.util.List;

/** An adapter read from a [trainer] table: what the table says about the seed and the inputs, in one place. */
interface SpecBackedTrainer extends TrainerAdapter {
    /** The table as read (for torchtitan: its config-file layout's; both layouts share these keys). */
    TrainerSpec spec();

    @Override
    default String seedName() {
        return spec().seedName();
    }

    @Override
    default List<String> fromWorkingTree() {
        return spec().fromWorkingTree();
    }

    @Override
    default String trace() {
        return spec().trace();
    }

    @Override
    default int ngpus() {
        return spec().ngpus();
    }

    @Override
    default boolean seedCheckpoint() {
        return spec().seedCheckpoint();
    }
}
