package dev.losscompare.trainer.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.trainer.data.Batch;
import dev.losscompare.trainer.data.PackedBatches;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This rank's share of each step's global batch: every rank packs the same global batch
 * (local_batch_size x degree rows) and takes rows [rank x local, (rank + 1) x local), so the
 * ranks' rows together are exactly what one rank with the global batch size trains on, in order.
 * With one rank the local batch is the global batch itself.
 *
 * <p>LOSS_COMPARE_DUMP_BATCHES=DIR writes each rank's input rows per step to DIR/rank{r}.jsonl,
 * so tests (and people) can check the split.
 */
public final class RankBatches {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PackedBatches global;
    private final int rank;
    private final int degree;
    private final Path dump;

    /** One step: what this rank trains on, and the global batch it came from. */
    public record Step(Batch local, Batch global) {}

    public RankBatches(PackedBatches global, int rank, int degree) {
        this.global = global;
        this.rank = rank;
        this.degree = degree;
        String dir = System.getenv("LOSS_COMPARE_DUMP_BATCHES");
        this.dump = dir == null || dir.isBlank() ? null : Path.of(dir).resolve("rank" + rank + ".jsonl");
    }

    public Step next(int step) {
        Batch all = global.next();
        Batch mine = degree == 1 ? all : slice(all, rank, degree);
        if (dump != null) write(step, mine);
        return new Step(mine, all);
    }

    static Batch slice(Batch all, int rank, int degree) {
        int rows = all.batchSize() / degree, width = all.seqLen();
        int from = rank * rows * width, to = from + rows * width;
        return new Batch(Arrays.copyOfRange(all.inputs(), from, to), Arrays.copyOfRange(all.labels(), from, to), rows, width);
    }

    private void write(int step, Batch mine) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("rank", rank);
        long[][] inputs = new long[mine.batchSize()][];
        for (int r = 0; r < inputs.length; r++) {
            inputs[r] = Arrays.copyOfRange(mine.inputs(), r * mine.seqLen(), (r + 1) * mine.seqLen());
        }
        row.put("inputs", inputs);
        try {
            Files.createDirectories(dump.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(dump, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, step == 1 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
                out.write(JSON.writeValueAsString(row));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
