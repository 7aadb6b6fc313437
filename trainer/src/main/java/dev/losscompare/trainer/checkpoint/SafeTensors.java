package dev.losscompare.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.model.Parameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Tensors in the safetensors format: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets}} (plus {@code __metadata__}), then the raw little-endian
 * data. Seed checkpoints hold the parameters (F32), and written on CUDA the CUDA RNG state (U8);
 * training checkpoints also hold the optimizer moments, buffers (F32) and RNG states (U8).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /**
     * Writes every parameter and the RNG states a seed checkpoint carries (on CUDA: {@code rng.cuda}),
     * atomically (temp file then rename), so a reader never sees half a file.
     */
    public static void save(Parameters params, RngStates rng, Path file, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(params.byName());
        tensors.putAll(rng.seedStates());
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            write(tensors, tmp, metadata, () -> {});
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes {@code tensors} in their order into {@code file} (created or truncated) and forces it
     * to disk. {@code midWrite} runs after the first half of the tensors' data is written (fault
     * injection for tests: a kill there leaves a half-written file). Returns each tensor's digest:
     * the first 16 hex digits of the SHA-256 of its bytes, as in the trace (docs/architecture.md).
     */
    static Map<String, String> write(Map<String, Tensor> tensors, Path file, Map<String, String> metadata, Runnable midWrite)
            throws IOException {
        List<ByteBuffer> data = new ArrayList<>();
        Map<String, String> digests = new LinkedHashMap<>();
        ObjectNode header = JSON.createObjectNode();
        // sorted: a Map.of iterates in an order drawn per JVM, and the same checkpoint must be the same bytes
        header.set("__metadata__", JSON.valueToTree(new TreeMap<>(metadata)));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ByteBuffer bytes = bytesOf(e.getValue());
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtypeName(e.getValue(), e.getKey()));
            var shape = entry.putArray("shape");
            for (long d : shapeOf(e.getValue())) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + bytes.remaining());
            offset += bytes.remaining();
            data.add(bytes);
            digests.put(e.getKey(), Digests.sha256(bytes.duplicate(), 16));
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8; // align the data to 8 bytes, spaces are valid JSON
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(headerBytes);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(ch, head.flip());
            for (int i = 0; i < data.size(); i++) {
                if (i == data.size() / 2) midWrite.run();
                writeFully(ch, data.get(i));
            }
            ch.force(true);
        }
        return digests;
    }

    /**
     * Loads a seed checkpoint into the parameters (names and shapes must match exactly) and the RNG
     * states it carries into this run's generators ({@code rng.cuda}, on CUDA only).
     */
    public static void load(Parameters params, RngStates rng, Path file) {
        Contents contents = read(file, "a safetensors file written by --checkpoint.create_seed_checkpoint");
        java.util.Set<String> expected = new java.util.LinkedHashSet<>(params.byName().keySet());
        expected.addAll(RngStates.inSeed(contents));
        contents.requireNames(expected, "does not fit the model");
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.byName().entrySet()) contents.copyInto(e.getKey(), e.getValue());
        }
        rng.restoreSeed(contents);
    }

    /** Reads a whole file; {@code expected} says what it should have been, for the error line. */
    static Contents read(Path file, String expected) {
        try {
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = all.getLong();
            if (headerLen <= 0 || headerLen > all.capacity() - 8) throw new IOException("bad header length " + headerLen);
            byte[] h = new byte[(int) headerLen];
            all.get(h);
            return new Contents(file, JSON.readTree(h), all, 8 + headerLen);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read checkpoint " + file + ": " + (e.getMessage() == null ? e : e.getMessage())
                    + " (expected " + expected + ")");
        }
    }

    /** A read file: its header and bytes. */
    static final class Contents {
        private final Path file;
        private final JsonNode header;
        private final ByteBuffer all;
        private final long dataStart;

        private Contents(Path file, JsonNode header, ByteBuffer all, long dataStart) {
            this.file = file;
            this.header = header;
            this.all = all;
            this.dataStart = dataStart;
        }

        TreeSet<String> names() {
            TreeSet<String> names = new TreeSet<>();
            header.fieldNames().forEachRemaining(names::add);
            names.remove("__metadata__");
            return names;
        }

        /** The file must hold exactly {@code expected}: else one line naming what is missing and unexpected. */
        void requireNames(java.util.Collection<String> expected, String what) {
            TreeSet<String> inFile = names();
            List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
            for (String name : expected) if (!inFile.contains(name)) missing.add(name);
            for (String name : inFile) if (!expected.contains(name)) unexpected.add(name);
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new ConfigException("checkpoint " + file + " " + what + ": missing " + abbreviated(missing)
                        + ", unexpected " + abbreviated(unexpected));
            }
        }

        /** Copies the named tensor into {@code target}, which must have its dtype and shape. */
        void copyInto(String name, Tensor target) {
            JsonNode entry = header.get(name);
            long[] expected = shapeOf(target);
            long[] actual = JSON.convertValue(entry.get("shape"), long[].class);
            String dtype = dtypeName(target, name);
            if (!dtype.equals(entry.path("dtype").asText()) || !Arrays.equals(expected, actual)) {
                throw new ConfigException("checkpoint " + file + ": " + name + " is " + entry.path("dtype").asText()
                        + Arrays.toString(actual) + ", the model expects " + dtype + Arrays.toString(expected));
            }
            long begin = entry.get("data_offsets").get(0).asLong(), end = entry.get("data_offsets").get(1).asLong();
            if (end - begin != target.nbytes() || begin < 0 || dataStart + end > all.capacity()) {
                throw new ConfigException("checkpoint " + file + " is truncated or corrupt at " + name);
            }
            try (Tensor loaded = torch.zeros(expected, Ops.options(target.scalar_type()))) {
                ByteBuffer into = new BytePointer(loaded.data_ptr()).capacity(end - begin).asByteBuffer();
                into.put(all.duplicate().position((int) (dataStart + begin)).limit((int) (dataStart + end)));
                target.copy_(loaded);
            }
        }
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : names.subList(0, 8).toString().replace("]", ", ... (" + names.size() + " in all)]");
    }

    private static String dtypeName(Tensor t, String name) {
        String type = t.scalar_type().toString(); // the binding's enum values are not canonical instances
        if (type.equals("Float")) return "F32";
        if (type.equals("Byte")) return "U8";
        throw new IllegalArgumentException(name + ": no safetensors dtype for " + type);
    }

    /** The tensor's elements in row-major order, in the machine's (little-endian) byte order. */
    private static ByteBuffer bytesOf(Tensor t) {
        try (Tensor cpu = t.detach().cpu().contiguous()) {
            ByteBuffer view = new BytePointer(cpu.data_ptr()).capacity(cpu.nbytes()).asByteBuffer();
            ByteBuffer copy = ByteBuffer.allocate(view.remaining());
            copy.put(view).flip();
            return copy;
        }
    }

    private static long[] shapeOf(Tensor t) {
        return t.sizes().vec().get();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
