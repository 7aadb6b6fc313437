package dev.losscompare.tbevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.tbevents.proto.DataType;
import dev.losscompare.tbevents.proto.Event;
import dev.losscompare.tbevents.proto.Summary;
import dev.losscompare.tbevents.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFilesTest {
    @TempDir Path dir;

    @Test
    void framingMatchesTensorFlowsKnownHeader() {
        // Every TensorBoard event file starts with the 24-byte file_version record, whose header is
        // 18 00 00 00 00 00 00 00 a3 7f 4b 22 in files written by TensorFlow and PyTorch alike.
        byte[] framed = TfRecord.frame(new byte[24]);
        byte[] header = Arrays.copyOf(framed, 12);
        assertEquals("1800000000000000a37f4b22", hex(header));
    }

    @Test
    void writtenScalarsReadBackBitForBit() throws IOException {
        float loss = 5.8360161781311035f;
        double lr = 8e-4 * (1.0 / 3.0);
        try (EventFileWriter w = EventFileWriter.create(dir.resolve("tb"))) {
            w.addFloat32("loss_metrics/global_avg_loss", 1, loss);
            w.addFloat64("lr", 1, lr);
            w.addFloat32("loss_metrics/global_avg_loss", 2, Float.NaN);
        }
        ScalarEvents events = EventFileReader.read(dir.resolve("tb"));
        NavigableMap<Long, Double> losses = events.series("loss_metrics/global_avg_loss");
        assertEquals(Double.doubleToRawLongBits(loss), Double.doubleToRawLongBits(losses.get(1L)));
        assertTrue(Double.isNaN(losses.get(2L)));
        assertEquals(Double.doubleToRawLongBits(lr), Double.doubleToRawLongBits(events.series("lr").get(1L)));
        assertEquals(1, events.files().size());
        assertTrue(events.files().get(0).getFileName().toString().startsWith("events.out.tfevents."));
    }

    @Test
    void readsTensorScalarsAsNewStyleSummariesWriteThem() throws IOException {
        // torch.utils.tensorboard.summary.scalar(new_style=True): float_val with DT_FLOAT;
        // with double_precision=True: double_val with DT_DOUBLE. TensorFlow may use tensor_content.
        byte[] content = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).array();
        Path file = dir.resolve("events.out.tfevents.1.host.1.0");
        writeEvents(file,
                Event.newBuilder().setFileVersion("brain.Event:2").build(),
                valueEvent(1, tensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).addFloatVal(1.5f))),
                valueEvent(2, tensor(TensorProto.newBuilder().setDtype(DataType.DT_DOUBLE).addDoubleVal(1.0 / 3))),
                valueEvent(3, tensor(TensorProto.newBuilder().setDtype(DataType.DT_DOUBLE)
                        .setTensorContent(com.google.protobuf.ByteString.copyFrom(content)))),
                valueEvent(4, Summary.Value.newBuilder().setTag("x").setSimpleValue(2.25f)));
        NavigableMap<Long, Double> x = EventFileReader.read(file).series("x");
        assertEquals(List.of(1L, 2L, 3L, 4L), List.copyOf(x.keySet()));
        assertEquals(1.5, x.get(1L));
        assertEquals(1.0 / 3, x.get(2L));
        assertEquals(0.1, x.get(3L));
        assertEquals(2.25, x.get(4L));
    }

    @Test
    void badChecksumNamesFileAndOffset() throws IOException {
        Path file = writeThreeSteps();
        byte[] bytes = Files.readAllBytes(file);
        int secondRecord = recordEnd(bytes, 0);
        bytes[secondRecord + 14] ^= 0x01; // a bit of the second record's data
        Files.write(file, bytes);
        EventFileException e = assertThrows(EventFileException.class, () -> EventFileReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad data checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("at byte " + secondRecord), e.getMessage());
    }

    @Test
    void truncatedFileNamesFileAndOffset() throws IOException {
        Path file = writeThreeSteps();
        byte[] bytes = Files.readAllBytes(file);
        int last = lastRecordStart(bytes);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        EventFileException e = assertThrows(EventFileException.class, () -> EventFileReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("at byte " + last), e.getMessage());

        Files.write(file, Arrays.copyOf(bytes, last + 5)); // cut inside a header
        EventFileException header = assertThrows(EventFileException.class, () -> EventFileReader.read(file));
        assertTrue(header.getMessage().contains("at byte " + last), header.getMessage());
    }

    @Test
    void folderWithTwoRunsOrARepeatedStepIsAnError() throws IOException {
        try (EventFileWriter a = EventFileWriter.create(dir.resolve("tb/run1"));
             EventFileWriter b = EventFileWriter.create(dir.resolve("tb/run2"))) {
            a.addFloat32("grad_norm", 1, 1f);
            b.addFloat32("grad_norm", 1, 2f);
        }
        EventFileException twoRuns = assertThrows(EventFileException.class, () -> EventFileReader.read(dir.resolve("tb")));
        assertTrue(twoRuns.getMessage().contains("run1/") && twoRuns.getMessage().contains("run2/"), twoRuns.getMessage());
        assertEquals(1.0, EventFileReader.read(dir.resolve("tb/run1")).series("grad_norm").get(1L));

        try (EventFileWriter again = EventFileWriter.create(dir.resolve("tb/run1"))) {
            again.addFloat32("grad_norm", 1, 3f);
        }
        EventFileException twice = assertThrows(EventFileException.class, () -> EventFileReader.read(dir.resolve("tb/run1")));
        assertTrue(twice.getMessage().contains("'grad_norm' has step 1 twice"), twice.getMessage());
    }

    @Test
    void emptyFolderIsAnError() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        EventFileException e = assertThrows(EventFileException.class, () -> EventFileReader.read(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("no events.out.tfevents.* files"), e.getMessage());
    }

    private Path writeThreeSteps() throws IOException {
        Path file;
        try (EventFileWriter w = EventFileWriter.create(dir.resolve("run"))) {
            for (int step = 1; step <= 3; step++) w.addFloat32("grad_norm", step, step * 0.5f);
            file = w.file();
        }
        return file;
    }

    private static int recordEnd(byte[] bytes, int start) {
        long length = ByteBuffer.wrap(bytes, start, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return start + 12 + (int) length + 4;
    }

    private static int lastRecordStart(byte[] bytes) {
        int start = 0, last = 0;
        while (start < bytes.length) {
            last = start;
            start = recordEnd(bytes, start);
        }
        return last;
    }

    private static Summary.Value.Builder tensor(TensorProto.Builder t) {
        return Summary.Value.newBuilder().setTag("x").setTensor(t);
    }

    private static Event valueEvent(long step, Summary.Value.Builder value) {
        return Event.newBuilder().setStep(step).setSummary(Summary.newBuilder().addValue(value)).build();
    }

    private static void writeEvents(Path file, Event... events) throws IOException {
        for (Event e : events) {
            Files.write(file, TfRecord.frame(e.toByteArray()), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) s.append(String.format("%02x", b));
        return s.toString();
    }
}
