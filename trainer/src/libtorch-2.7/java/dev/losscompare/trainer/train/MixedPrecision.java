package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.ConfigException;
import org.bytedeco.pytorch.Device;

/**
 * training.mixed_precision_param on libtorch 2.7 (the trainer's "libtorch-2.7" Maven profile):
 * bytedeco 1.5.12's bindings have no autocast setters, so only float32 runs; bfloat16 is one line.
 */
public final class MixedPrecision implements AutoCloseable {
    private MixedPrecision() {}

    public static MixedPrecision enter(String param, Device device) {
        if (param.equals("bfloat16")) {
            throw new ConfigException("training.mixed_precision_param=bfloat16 needs autocast, which this trainer's"
                    + " libtorch 2.7 build lacks (bytedeco 1.5.12 has no autocast setters): use float32, or libtorch 2.10");
        }
        return new MixedPrecision();
    }

    @Override
    public void close() {}
}
