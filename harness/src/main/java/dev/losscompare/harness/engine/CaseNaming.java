package dev.losscompare.harness.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.core.judge.CaseJudge.CaseId;
import java.nio.file.Path;
import java.util.List;

/**
 * Names the model case before anything runs (its folder holds the logs): model.name and
 * model.flavor from the config, as the options override them.
 */
final class CaseNaming {
    private CaseNaming() {}

    static CaseId of(Path configFile, String configSpec, List<String> options) {
        String model = "model";
        String flavor = "default";
        try {
            JsonNode m = new TomlMapper().readTree(configFile.toFile()).path("model");
            model = m.path("name").asText(model);
            flavor = m.path("flavor").asText(flavor);
        } catch (Exception unreadable) {
            // the trainer will report a bad config itself, with the key that is wrong
        }
        for (String opt : options) {
            if (opt.startsWith("--model.name=")) model = opt.substring("--model.name=".length());
            if (opt.startsWith("--model.flavor=")) flavor = opt.substring("--model.flavor=".length());
        }
        String name = (model + "_" + flavor).replaceAll("[^A-Za-z0-9._-]", "_");
        return new CaseId(name, model, flavor, configSpec);
    }
}
