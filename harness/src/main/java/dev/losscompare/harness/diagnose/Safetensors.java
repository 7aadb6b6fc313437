package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file's tensors as byte ranges: an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}} and the data. Enough to compare two
 * seed checkpoints tensor by tensor, byte for byte, and to find the values a calibration perturbs.
 */
public final class Safetensors implements AutoCloseable {
    public record Entry(String dtype, List<Long> shape, long begin, long end) {}

    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private Safetensors(FileChannel channel, long dataStart, Map<String, Entry> entries) {
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    public static Safetensors open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > ch.size() - 8 || n > 100_000_000) throw new IOException(file.getFileName() + ": not a safetensors file");
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            JsonNode root = new ObjectMapper().readTree(header.array());
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode v = e.getValue();
                List<Long> shape = new ArrayList<>();
                v.path("shape").forEach(d -> shape.add(d.asLong()));
                entries.put(e.getKey(), new Entry(v.path("dtype").asText(), shape, v.path("data_offsets").path(0).asLong(),
                        v.path("data_offsets").path(1).asLong()));
            }
            return new Safetensors(ch, 8 + n, entries);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e instanceof IOException io ? io : new IOException(file.getFileName() + ": unreadable safetensors header", e);
        }
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** Where the tensors' data starts in the file (the offsets of an {@link Entry} count from here). */
    public long dataStart() {
        return dataStart;
    }

    /** Whether this file's tensor {@code name} has the same dtype, shape and bytes as {@code other}'s. */
    boolean sameTensor(String name, Safetensors other) throws IOException {
        Entry a = entries.get(name), b = other.entries.get(name);
        if (a == null || b == null || !a.dtype().equals(b.dtype()) || !a.shape().equals(b.shape())) return false;
        long size = a.end() - a.begin();
        if (size != b.end() - b.begin()) return false;
        ByteBuffer x = ByteBuffer.allocate(1 << 16), y = ByteBuffer.allocate(1 << 16);
        for (long off = 0; off < size; off += x.capacity()) {
            int chunk = (int) Math.min(x.capacity(), size - off);
            x.clear().limit(chunk);
            y.clear().limit(chunk);
            readFully(channel, x, dataStart + a.begin() + off);
            readFully(other.channel, y, other.dataStart + b.begin() + off);
            if (!x.flip().equals(y.flip())) return false;
        }
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("safetensors file is truncated");
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
