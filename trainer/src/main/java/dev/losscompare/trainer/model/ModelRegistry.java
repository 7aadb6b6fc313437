package dev.losscompare.trainer.model;

import dev.losscompare.trainer.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.pytorch.Device;

/** Model name -> flavor -> constructor. The single place that knows which models exist. */
public final class ModelRegistry {
    /** Builds a model for a tokenizer's vocabulary and the run's sequence length on a device. */
    @FunctionalInterface
    public interface Factory {
        Model create(int vocabSize, long maxSeqLen, Device device);
    }

    private static final Map<String, Map<String, Factory>> MODELS = new TreeMap<>();

    static {
        Map<String, Factory> llama3 = new LinkedHashMap<>();
        llama3.put("debugmodel", (vocab, seqLen, device) -> new Llama3(llama3Debug(vocab, false), seqLen, device));
        llama3.put("debugmodel_flex_attn", (vocab, seqLen, device) -> new Llama3(llama3Debug(vocab, true), seqLen, device));
        MODELS.put("llama3", llama3);
    }

    private ModelRegistry() {}

    /** torchtitan's llama3 "debugmodel": dim 256, 6 layers, 16 heads, SwiGLU hidden 768, theta 500000, llama3 RoPE scaling. */
    static Llama3Args llama3Debug(int vocab, boolean flex) {
        return new Llama3Args(256, 6, 16, 16, vocab, Llama3Args.swigluHidden(256, 256), 1e-5, 500000,
                RotaryEmbedding.Scaling.LLAMA3, flex);
    }

    public static void requireKnown(String name, String flavor) {
        Map<String, Factory> flavors = MODELS.get(name);
        if (flavors == null) {
            throw new ConfigException("unknown model.name '" + name + "' (valid: " + String.join(", ", MODELS.keySet()) + ")");
        }
        if (!flavors.containsKey(flavor)) {
            throw new ConfigException("unknown model.flavor '" + flavor + "' for " + name + " (valid: "
                    + String.join(", ", flavors.keySet()) + ")");
        }
    }

    public static Model create(String name, String flavor, int vocabSize, long maxSeqLen, Device device) {
        requireKnown(name, flavor);
        return MODELS.get(name).get(flavor).create(vocabSize, maxSeqLen, device);
    }
}
