package dev.losscompare.trainer.model;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.model.deepseekv3.DeepSeekV3Flavors;
import dev.losscompare.trainer.model.llama3.Llama3Flavors;
import dev.losscompare.trainer.model.llama4.Llama4Flavors;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.pytorch.Device;

/**
 * Model name -> its family's flavors. The single place that knows which models exist; what each
 * flavor is belongs to its family's package.
 */
public final class ModelRegistry {
    private static final Map<String, Flavors<?>> MODELS = new TreeMap<>(Map.of(
            "llama3", Llama3Flavors.FLAVORS,
            "llama4", Llama4Flavors.FLAVORS,
            "deepseek_v3", DeepSeekV3Flavors.FLAVORS));

    private ModelRegistry() {}

    public static void requireKnown(String name, String flavor) {
        Flavors<?> flavors = MODELS.get(name);
        if (flavors == null) {
            throw new ConfigException("unknown model.name '" + name + "' (valid: " + String.join(", ", MODELS.keySet()) + ")");
        }
        if (!flavors.contains(flavor)) {
            throw new ConfigException("unknown model.flavor '" + flavor + "' for " + name + " (valid: "
                    + String.join(", ", flavors.names()) + ")");
        }
    }

    public static Model create(String name, String flavor, int vocabSize, long maxSeqLen, Device device) {
        requireKnown(name, flavor);
        return MODELS.get(name).create(flavor, vocabSize, maxSeqLen, device);
    }
}
