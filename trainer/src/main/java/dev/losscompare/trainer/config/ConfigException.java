package dev.losscompare.trainer.config;

/** Bad user input (config file, override, checkpoint): the message is the one line the user sees. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
