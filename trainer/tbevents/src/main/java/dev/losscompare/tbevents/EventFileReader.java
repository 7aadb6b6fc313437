package dev.losscompare.tbevents;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.losscompare.tbevents.proto.DataType;
import dev.losscompare.tbevents.proto.Event;
import dev.losscompare.tbevents.proto.Summary;
import dev.losscompare.tbevents.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads the scalars of TensorBoard event files: one file, or a folder holding one run's
 * {@code events.out.tfevents.*} files (found in the folder or below it, all in one directory:
 * TensorBoard counts each directory as its own run). Scalars are read from {@code simple_value}
 * and from rank-0 float/double tensors ({@code float_val}, {@code double_val} or
 * {@code tensor_content}); other summaries (histograms, images, text) are skipped.
 * A tag with the same step twice is an error naming both places: which one counts is not ours to guess.
 */
public final class EventFileReader {
    public static final String FILE_PREFIX = "events.out.tfevents.";

    private EventFileReader() {}

    public static boolean isEventFile(Path file) {
        return file.getFileName() != null && file.getFileName().toString().startsWith(FILE_PREFIX);
    }

    /** The event files of one run in {@code path} (a file, or a folder), in name order (their names start with the time). */
    public static List<Path> eventFiles(Path path) {
        if (Files.isRegularFile(path)) return List.of(path);
        if (!Files.isDirectory(path)) throw new EventFileException(path + ": no such file or folder");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(p -> Files.isRegularFile(p) && isEventFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new EventFileException(path + ": cannot list folder (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) throw new EventFileException(path + ": no " + FILE_PREFIX + "* files in this folder");
        TreeSet<Path> dirs = new TreeSet<>();
        for (Path f : files) dirs.add(f.getParent());
        if (dirs.size() > 1) {
            throw new EventFileException(path + ": event files of " + dirs.size() + " runs (" + relative(path, dirs)
                    + "); point at one of these folders");
        }
        return files;
    }

    public static ScalarEvents read(Path path) {
        List<Path> files = eventFiles(path);
        Map<String, NavigableMap<Long, Double>> byTag = new HashMap<>();
        Map<String, String> where = new HashMap<>();
        for (Path file : files) readFile(file, byTag, where);
        Map<String, NavigableMap<Long, Double>> frozen = new HashMap<>();
        byTag.forEach((tag, series) -> frozen.put(tag, Collections.unmodifiableNavigableMap(series)));
        return new ScalarEvents(files, frozen);
    }

    private static void readFile(Path file, Map<String, NavigableMap<Long, Double>> byTag, Map<String, String> where) {
        try (TfRecordReader records = new TfRecordReader(file)) {
            byte[] data;
            while ((data = records.next()) != null) {
                Event event;
                try {
                    event = Event.parseFrom(data);
                } catch (InvalidProtocolBufferException e) {
                    throw records.corrupt("not a tensorflow Event");
                }
                if (!event.hasSummary()) continue;
                for (Summary.Value value : event.getSummary().getValueList()) {
                    Double scalar = scalar(value);
                    if (scalar == null) continue;
                    String here = file + " at byte " + records.recordStart();
                    String key = value.getTag() + "\u0000" + event.getStep();
                    String before = where.putIfAbsent(key, here);
                    if (before != null) {
                        throw new EventFileException(file + ": tag '" + value.getTag() + "' has step " + event.getStep()
                                + " twice (" + before + ", and " + here + "); point at one run's file");
                    }
                    byTag.computeIfAbsent(value.getTag(), t -> new TreeMap<>()).put(event.getStep(), scalar);
                }
            }
        } catch (IOException e) {
            throw new EventFileException(file + ": cannot close (" + e.getMessage() + ")", e);
        }
    }

    /** The value of a scalar summary, or null when the value is not a scalar. */
    static Double scalar(Summary.Value value) {
        if (value.hasSimpleValue()) return (double) value.getSimpleValue();
        if (!value.hasTensor()) return null;
        TensorProto t = value.getTensor();
        if (t.getFloatValCount() == 1) return (double) t.getFloatVal(0);
        if (t.getDoubleValCount() == 1) return t.getDoubleVal(0);
        ByteString raw = t.getTensorContent();
        if (t.getDtype() == DataType.DT_FLOAT && raw.size() == 4) {
            return (double) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
        }
        if (t.getDtype() == DataType.DT_DOUBLE && raw.size() == 8) {
            return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getDouble();
        }
        return null;
    }

    private static String relative(Path root, TreeSet<Path> dirs) {
        List<String> names = new ArrayList<>();
        for (Path d : dirs) names.add(root.relativize(d).toString() + "/");
        return String.join(", ", names);
    }
}
