package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Where modules report their outputs, in forward order, named like their parameters
 * ({@code layers.0.attention_norm}). The trainer installs a recording probe on its thread for a
 * traced step (the trace package); otherwise {@link #current()} is {@link #NONE}, whose calls do
 * nothing, so an untraced step runs no extra tensor op and allocates nothing. Names are built
 * once, when the modules are constructed. A probe only reads what it is given.
 */
public interface ModuleProbe {
    ModuleProbe NONE = new ModuleProbe() {};

    /** A module's output. */
    default void output(String name, Tensor value) {}

    /** An attention module's output and the mask it attended under (null: plain causal). */
    default void attention(String name, Tensor value, Tensor maskOrNull) {}

    /** A router's scores (tokens, experts) and how many tokens each expert received. */
    default void router(String name, Tensor scores, long[] tokensPerExpert) {}

    /** The probe installed on this thread, else NONE. */
    static ModuleProbe current() {
        return Installed.PROBE.get();
    }

    /** Installs {@code probe} on this thread until the returned handle is closed. */
    static Installed install(ModuleProbe probe) {
        Installed.PROBE.set(probe);
        return Installed.HANDLE;
    }

    /** The handle that puts NONE back. */
    final class Installed implements AutoCloseable {
        private static final ThreadLocal<ModuleProbe> PROBE = ThreadLocal.withInitial(() -> NONE);
        private static final Installed HANDLE = new Installed();

        private Installed() {}

        @Override
        public void close() {
            PROBE.set(NONE);
        }
    }
}
