package dev.losscompare.trainer;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.distributed.DistributedException;
import dev.losscompare.trainer.train.Trainer;
import dev.losscompare.trainer.train.TrainingDivergedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run_train.sh --config=PATH [--section.key=value ...]}. Exit codes: 0 success, 2 bad
 * input (config, override, checkpoint), 3 loss went NaN/infinite, 1 anything else. Failures print
 * exactly one line on stderr.
 */
public final class Main {
    static final int BAD_INPUT = 2;
    static final int DIVERGED = 3;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        try {
            Path configPath = null;
            List<String> overrides = new ArrayList<>();
            for (String arg : args) {
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.println("usage: trainer/run_train.sh --config=PATH [--section.key=value ...]");
                    return 0;
                }
                if (arg.startsWith("--config=")) configPath = Path.of(arg.substring("--config=".length()));
                else if (arg.equals("--config")) throw new ConfigException("--config needs a value: --config=PATH");
                else overrides.add(arg);
            }
            if (configPath == null) throw new ConfigException("missing --config=PATH (e.g. --config=configs/llama3_debug.toml)");
            JobConfig config = ConfigLoader.load(configPath, overrides);
            new Trainer(config, System.out).run();
            return 0;
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return BAD_INPUT;
        } catch (DistributedException e) {
            System.out.flush();
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (TrainingDivergedException e) {
            System.out.flush();
            System.err.println("error: " + e.getMessage());
            return DIVERGED;
        } catch (Exception | Error e) {
            System.out.flush();
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            System.err.println("error: " + e.getClass().getSimpleName() + ": " + message);
            return 1;
        }
    }
}
