package dev.losscompare.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * --debug.dump_batches=DIR: each step's exact token ids, so another implementation (the
 * reference under trainer/reference/) trains on the same inputs. One file per step,
 * DIR/step-NNNNNN.json: {"step", "batch_size", "seq_len", "data_fingerprint", "inputs", "labels"},
 * inputs and labels as batch_size rows of seq_len ids. Written aside, then renamed.
 */
public final class BatchDump {
    private final Path dir;

    public BatchDump(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public static Path fileOf(Path dir, int step) {
        return dir.resolve(String.format(Locale.ROOT, "step-%06d.json", step));
    }

    public void write(int step, Batch batch) {
        StringBuilder json = new StringBuilder(16 * batch.inputs().length + 128);
        json.append("{\"step\":").append(step)
                .append(",\"batch_size\":").append(batch.batchSize())
                .append(",\"seq_len\":").append(batch.seqLen())
                .append(",\"data_fingerprint\":\"").append(batch.fingerprint()).append('"');
        rows(json.append(",\"inputs\":"), batch.inputs(), batch);
        rows(json.append(",\"labels\":"), batch.labels(), batch);
        json.append("}\n");
        Path file = fileOf(dir, step);
        try {
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void rows(StringBuilder json, long[] ids, Batch batch) {
        json.append('[');
        for (int r = 0; r < batch.batchSize(); r++) {
            json.append(r == 0 ? "[" : ",[");
            for (int i = 0; i < batch.seqLen(); i++) {
                if (i > 0) json.append(',');
                json.append(ids[r * batch.seqLen() + i]);
            }
            json.append(']');
        }
        json.append(']');
    }
}
