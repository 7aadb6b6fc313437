package dev.losscompare.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losscompare.trainer.config.ConfigException;
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
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Seed checkpoints in the safetensors format: an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets}}, then the raw little-endian fp32 data.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** Writes every parameter, atomically (temp file then rename), so a reader never sees half a file. */
    public static void save(Parameters params, Path file, Map<String, String> metadata) throws IOException {
        Map<String, float[]> data = new LinkedHashMap<>();
        ObjectNode header = JSON.createObjectNode();
        header.set("__metadata__", JSON.valueToTree(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : params.byName().entrySet()) {
            float[] values = toArray(e.getValue());
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (long d : shapeOf(e.getValue())) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + 4L * values.length);
            offset += 4L * values.length;
            data.put(e.getKey(), values);
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8; // align the data to 8 bytes, spaces are valid JSON
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(headerBytes);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(ch, head.flip());
            for (float[] values : data.values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                writeFully(ch, buf);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads a checkpoint into the parameters; names and shapes must match exactly. */
    public static void load(Parameters params, Path file) {
        ByteBuffer all;
        JsonNode header;
        long dataStart;
        try {
            all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = all.getLong();
            if (headerLen <= 0 || headerLen > all.capacity() - 8) throw new IOException("bad header length " + headerLen);
            byte[] h = new byte[(int) headerLen];
            all.get(h);
            header = JSON.readTree(h);
            dataStart = 8 + headerLen;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read checkpoint " + file + ": " + (e.getMessage() == null ? e : e.getMessage())
                    + " (expected a safetensors file written by --checkpoint.create_seed_checkpoint)");
        }
        checkNames(params, header, file);
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.byName().entrySet()) {
                JsonNode entry = header.get(e.getKey());
                long[] expected = shapeOf(e.getValue());
                long[] actual = JSON.convertValue(entry.get("shape"), long[].class);
                if (!"F32".equals(entry.path("dtype").asText()) || !Arrays.equals(expected, actual)) {
                    throw new ConfigException("checkpoint " + file + ": " + e.getKey() + " is " + entry.path("dtype").asText()
                            + Arrays.toString(actual) + ", the model expects F32" + Arrays.toString(expected));
                }
                long begin = entry.get("data_offsets").get(0).asLong(), end = entry.get("data_offsets").get(1).asLong();
                if (end - begin != 4 * e.getValue().numel() || dataStart + end > all.capacity()) {
                    throw new ConfigException("checkpoint " + file + " is truncated or corrupt at " + e.getKey());
                }
                float[] values = new float[(int) e.getValue().numel()];
                all.position((int) (dataStart + begin));
                all.asFloatBuffer().get(values);
                Tensor loaded = torch.tensor(values, dev.losscompare.trainer.model.Ops.options(torch.ScalarType.Float)).view(expected);
                e.getValue().copy_(loaded);
                loaded.close();
            }
        }
    }

    private static void checkNames(Parameters params, JsonNode header, Path file) {
        TreeSet<String> inFile = new TreeSet<>();
        header.fieldNames().forEachRemaining(inFile::add);
        inFile.remove("__metadata__");
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String name : params.byName().keySet()) if (!inFile.contains(name)) missing.add(name);
        for (String name : inFile) if (!params.byName().containsKey(name)) unexpected.add(name);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new ConfigException("checkpoint " + file + " does not fit the model: missing " + missing
                    + ", unexpected " + unexpected);
        }
    }

    private static float[] toArray(Tensor t) {
        try (Tensor cpu = t.detach().cpu().contiguous()) {
            float[] out = new float[(int) cpu.numel()];
            FloatPointer ptr = cpu.data_ptr_float();
            ptr.get(out);
            return out;
        }
    }

    private static long[] shapeOf(Tensor t) {
        return t.sizes().vec().get();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
