package dev.losscompare.trainer.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The random generators whose state a run's next numbers may depend on, by their tensor name in a
 * checkpoint: libtorch's CPU generator ({@code rng.cpu}) always, and on CUDA the run's device's
 * default generator ({@code rng.cuda}, its seed and Philox offset as bytes; untested on a GPU).
 * A training checkpoint holds every one of this run's; a seed checkpoint written on CUDA holds
 * {@code rng.cuda} (the state its weight init left), which a CUDA run loading it continues from.
 */
public final class RngStates {
    public static final String CPU = "rng.cpu", CUDA = "rng.cuda";
    /** The entries a seed checkpoint may carry beside the weights (none on CPU: its format is the weights alone). */
    static final Set<String> IN_SEED = Set.of(CUDA);

    private final Map<String, Generator> generators;

    /** {@code generators} by checkpoint name, in file order (tests stand a second CPU generator in for CUDA's). */
    RngStates(Map<String, Generator> generators) {
        this.generators = Collections.unmodifiableMap(new LinkedHashMap<>(generators));
    }

    /** This process's generators for a run on {@code device}. */
    public static RngStates of(Device device) {
        Map<String, Generator> g = new LinkedHashMap<>();
        g.put(CPU, torch.getDefaultCPUGenerator());
        if (device.is_cuda()) g.put(CUDA, torch.globalContext().defaultGenerator(device));
        return new RngStates(g);
    }

    Set<String> names() {
        return generators.keySet();
    }

    /** Fresh copies of every state, by name (call inside a PointerScope). */
    Map<String, Tensor> states() {
        return states(generators.keySet());
    }

    /** Fresh copies of the states a seed checkpoint carries: those of {@link #IN_SEED} this run has. */
    Map<String, Tensor> seedStates() {
        Set<String> names = new LinkedHashSet<>(generators.keySet());
        names.retainAll(IN_SEED);
        return states(names);
    }

    private Map<String, Tensor> states(Set<String> names) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) out.put(name, generators.get(name).get_state());
        return out;
    }

    /** Sets each named generator to its state in {@code contents}; every name must be there (checked by the caller). */
    void restore(SafeTensors.Contents contents, Set<String> names) {
        for (String name : names) {
            Generator g = generators.get(name);
            try (Tensor state = g.get_state()) { // the right dtype and shape to read into
                contents.copyInto(name, state);
                g.set_state(state);
            }
        }
    }

    /** The RNG entries a seed checkpoint holds beside its weights (written on CUDA: {@code rng.cuda}). */
    static Set<String> inSeed(SafeTensors.Contents contents) {
        Set<String> names = new LinkedHashSet<>(contents.names());
        names.retainAll(IN_SEED);
        return names;
    }

    /** Continues from a seed checkpoint's states that this run has a generator for: a CPU run ignores {@code rng.cuda}. */
    void restoreSeed(SafeTensors.Contents contents) {
        Set<String> names = inSeed(contents);
        names.retainAll(generators.keySet());
        restore(contents, names);
    }
}
