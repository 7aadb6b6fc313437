package dev.losscompare.tbevents;

import dev.losscompare.tbevents.proto.DataType;
import dev.losscompare.tbevents.proto.Event;
import dev.losscompare.tbevents.proto.Summary;
import dev.losscompare.tbevents.proto.SummaryMetadata;
import dev.losscompare.tbevents.proto.TensorProto;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one TensorBoard event file of scalars. Values keep their full precision: a float32 goes
 * into {@code simple_value} (the field SummaryWriter.add_scalar writes by default, itself
 * float32), a double into a rank-0 {@code DT_DOUBLE} tensor marked for the "scalars" plugin
 * (what add_scalar(new_style=True, double_precision=True) writes). Each value is its own Event,
 * as add_scalar does.
 */
public final class EventFileWriter implements Closeable {
    /** The first record of every event file (event.proto: "brain.Event:2"). */
    public static final String FILE_VERSION = "brain.Event:2";
    private static final AtomicInteger FILES_OPENED = new AtomicInteger();
    private static final SummaryMetadata SCALARS_PLUGIN = SummaryMetadata.newBuilder()
            .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("scalars"))
            .build();

    private final Path file;
    private final OutputStream out;

    private EventFileWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Creates a new event file in {@code folder} (made if missing), named as TensorBoard's writer
     * names them: {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}.
     */
    public static EventFileWriter create(Path folder) throws IOException {
        Files.createDirectories(folder);
        long seconds = System.currentTimeMillis() / 1000;
        String name = String.format("events.out.tfevents.%010d.%s.%d.%d", seconds, hostName(),
                ProcessHandle.current().pid(), FILES_OPENED.getAndIncrement());
        Path file = folder.resolve(name);
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW));
        EventFileWriter writer = new EventFileWriter(file, out);
        writer.write(Event.newBuilder().setWallTime(wallTime()).setFileVersion(FILE_VERSION).build());
        writer.flush();
        return writer;
    }

    public Path file() {
        return file;
    }

    /** A float32 scalar, exact in {@code simple_value}. */
    public void addFloat32(String tag, long step, float value) {
        write(summary(step, Summary.Value.newBuilder().setTag(tag).setSimpleValue(value)));
    }

    /** A float64 scalar, exact in a {@code DT_DOUBLE} tensor. */
    public void addFloat64(String tag, long step, double value) {
        TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_DOUBLE).addDoubleVal(value).build();
        write(summary(step, Summary.Value.newBuilder().setTag(tag).setMetadata(SCALARS_PLUGIN).setTensor(tensor)));
    }

    /** Pushes what was written to the file, so a reader (or a crash) sees whole steps. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Event summary(long step, Summary.Value.Builder value) {
        return Event.newBuilder().setWallTime(wallTime()).setStep(step)
                .setSummary(Summary.newBuilder().addValue(value)).build();
    }

    private void write(Event event) {
        try {
            out.write(TfRecord.frame(event.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double wallTime() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
