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
        llama3.put("debugmodel", (vocab, seqLen, device) -> new LlamaTransformer(llama3Debug(vocab, false), seqLen, device));
        llama3.put("debugmodel_flex_attn", (vocab, seqLen, device) -> new LlamaTransformer(llama3Debug(vocab, true), seqLen, device));
        MODELS.put("llama3", llama3);
        Map<String, Factory> llama4 = new LinkedHashMap<>();
        llama4.put("debugmodel", (vocab, seqLen, device) -> new LlamaTransformer(llama4Debug(vocab, false), seqLen, device));
        llama4.put("debugmodel_irope", (vocab, seqLen, device) -> new LlamaTransformer(llama4Debug(vocab, true), seqLen, device));
        MODELS.put("llama4", llama4);
        Map<String, Factory> deepseek = new LinkedHashMap<>();
        deepseek.put("debugmodel", (vocab, seqLen, device) -> new DeepSeekV3(deepseekV3Debug(vocab, false), seqLen, device));
        deepseek.put("debugmodel_flex_attn", (vocab, seqLen, device) -> new DeepSeekV3(deepseekV3Debug(vocab, true), seqLen, device));
        MODELS.put("deepseek_v3", deepseek);
    }

    private ModelRegistry() {}

    /**
     * torchtitan's llama3 "debugmodel" (models/llama3/__init__.py:31-33): dim 256, 6 layers, 16
     * heads, SwiGLU hidden 768, theta 500000, llama-3 RoPE scaling; vocab is ours (byte-level 258).
     */
    static LlamaArgs llama3Debug(int vocab, boolean flex) {
        return new LlamaArgs(256, 6, 16, 16, vocab, LlamaArgs.swigluHidden(256, 256), 1e-5, 500000,
                RotaryEmbedding.Scaling.LLAMA3, flex, null, 1, 0, 0);
    }

    /**
     * torchtitan's llama4 "debugmodel" (experiments/llama4/__init__.py:30-37, args.py:29-63):
     * llama3's debug shapes, MoE (8 experts, top-1 sigmoid, one shared expert, expert hidden 512,
     * model.py:356-373) in every second layer (interleave_moe_layer_step 2: layers 1, 3, 5) and a
     * dense SwiGLU of 768 in the others, llama4 RoPE scaling. The irope flavor (__init__.py:61-72)
     * makes layers with layer_id % 4 == 0 (0 and 4) NoPE and global, the others RoPE within chunks.
     * Deliberate difference: torchtitan's chunks are 256 tokens at seq_len 2048; ours are 32, the
     * same 1:8 ratio to our 256-token windows, so the chunk mask matters at the lengths we train.
     */
    static LlamaArgs llama4Debug(int vocab, boolean irope) {
        MoeArgs moe = new MoeArgs(8, 1, 1, MoeArgs.llama4HiddenDim(256, 256, 1, 1), "sigmoid", false, 1.0, true, 1e-3);
        return new LlamaArgs(256, 6, 16, 16, vocab, LlamaArgs.swigluHidden(256, 256), 1e-5, 500000,
                RotaryEmbedding.Scaling.LLAMA4, irope, moe, 2, irope ? 4 : 0, irope ? 32 : 0);
    }

    /**
     * torchtitan's deepseek_v3 "debugmodel" (models/deepseek_v3/__init__.py:32-54): dim 256, 6
     * layers (the first dense, SwiGLU 1024), 16 heads of MLA (kv_lora_rank 512, qk 128 no-RoPE + 64
     * RoPE, v 128, q_lora_rank 0), MoE with 8 routed experts (hidden 256, top-3 softmax scores
     * applied after the experts) and 2 shared, YaRN (mscale 0.70) beyond 4096 tokens.
     */
    static DeepSeekV3Args deepseekV3Debug(int vocab, boolean flex) {
        MoeArgs moe = new MoeArgs(8, 3, 2, 256, "softmax", false, 1.0, false, 1e-3);
        return new DeepSeekV3Args(256, 6, 1, 16, vocab, 1024, 512, 128, 64, 128, 1e-5, 10000.0,
                RotaryEmbedding.Yarn.DEEPSEEK_V3_DEBUG, moe, flex);
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
