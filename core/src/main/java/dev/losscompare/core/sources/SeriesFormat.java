package dev.losscompare.core.sources;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The run formats the harness reads, by the names a user gives them. */
public enum SeriesFormat {
    /** This project's metrics file: a {"meta":{...}} line, then one JSON object per step. */
    JSONL("jsonl"),
    /** Text logs with torchtitan's step lines (step: N  loss: X  grad_norm: Y ...). */
    TORCHTITAN_LOG("torchtitan-log"),
    /** TensorBoard event files (events.out.tfevents.*): one file or a run's folder. */
    TENSORBOARD("tensorboard"),
    /** Megatron-LM functional-test golden values ({"lm loss": {"start_step": .., "values": ..}}). */
    MEGATRON_GOLDEN("megatron-golden");

    private final String cliName;

    SeriesFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The format called {@code name}; an unknown name is an IllegalArgumentException listing the valid ones. */
    public static SeriesFormat byName(String name) {
        for (SeriesFormat f : values()) {
            if (f.cliName.equals(name)) return f;
        }
        throw new IllegalArgumentException("unknown series format '" + name + "' (valid: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(SeriesFormat::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
