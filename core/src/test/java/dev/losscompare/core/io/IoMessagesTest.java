package dev.losscompare.core.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.LossFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that is not UTF-8 text is said so in words, never as Java's "Input length = N". */
class IoMessagesTest {
    // The start of a TensorBoard event file: a little-endian length and a CRC, not text.
    private static final byte[] BINARY = {(byte) 0x18, 0, 0, 0, 0, 0, 0, 0, (byte) 0xa3, (byte) 0x7f, (byte) 0xff, (byte) 0xfe};

    @Test
    void aBinaryFileIsNotUtf8TextInEveryReader(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("events.out.tfevents.1"), BINARY);
        for (Runnable read : new Runnable[] {() -> MetricsFile.read(f), () -> LossFile.read(f)}) {
            String m = assertThrows(UnreadableSeriesException.class, read::run).getMessage();
            assertTrue(m.contains("not UTF-8 text"), m);
            assertFalse(m.contains("Input length"), m);
        }
    }

    @Test
    void aMissingFileSaysSo(@TempDir Path tmp) {
        String m = assertThrows(UnreadableSeriesException.class, () -> MetricsFile.read(tmp.resolve("absent.jsonl"))).getMessage();
        assertTrue(m.endsWith("(no such file)"), m);
    }
}
