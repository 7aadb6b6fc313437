package dev.losscompare.trainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.bytedeco.pytorch.Device;

/**
 * One model family's flavors, like torchtitan's {@code llama3_configs}: each flavor's name and the
 * args it builds for a vocabulary (the tokenizer's, not torchtitan's), in declaration order, and
 * the model those args make.
 *
 * @param <A> the family's args record
 */
public final class Flavors<A> {
    /** The family's model for its args, a run's sequence length and a device. */
    @FunctionalInterface
    public interface ModelOfArgs<A> {
        Model create(A args, long maxSeqLen, Device device);
    }

    private final ModelOfArgs<A> model;
    private final Map<String, IntFunction<A>> argsByName;

    private Flavors(ModelOfArgs<A> model, Map<String, IntFunction<A>> argsByName) {
        this.model = model;
        this.argsByName = argsByName;
    }

    /** A family of {@code model}s, with no flavor yet. */
    public static <A> Flavors<A> of(ModelOfArgs<A> model) {
        return new Flavors<>(model, Map.of());
    }

    /** These flavors and one more. */
    public Flavors<A> and(String name, IntFunction<A> argsForVocab) {
        Map<String, IntFunction<A>> more = new LinkedHashMap<>(argsByName);
        if (more.put(name, argsForVocab) != null) throw new IllegalArgumentException("duplicate flavor " + name);
        return new Flavors<>(model, Collections.unmodifiableMap(more));
    }

    public Set<String> names() {
        return argsByName.keySet();
    }

    public boolean contains(String name) {
        return argsByName.containsKey(name);
    }

    /** The args of flavor {@code name} for a vocabulary of {@code vocabSize}. */
    public A args(String name, int vocabSize) {
        IntFunction<A> args = argsByName.get(name);
        if (args == null) throw new IllegalArgumentException("no flavor " + name);
        return args.apply(vocabSize);
    }

    public Model create(String name, int vocabSize, long maxSeqLen, Device device) {
        return model.create(args(name, vocabSize), maxSeqLen, device);
    }
}
