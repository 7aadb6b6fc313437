package dev.losscompare.tbevents;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads TFRecord records one by one, checking both CRCs. A short header, a short record or a
 * CRC mismatch is an {@link EventFileException} naming the file and the byte offset where the
 * record starts: a half-written file must never pass for a shorter run.
 */
final class TfRecordReader implements Closeable {
    private final Path file;
    private final InputStream in;
    private final long size;
    private long offset;
    private long recordStart;

    TfRecordReader(Path file) {
        this.file = file;
        try {
            this.size = Files.size(file);
            this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new EventFileException(file + ": cannot read event file (" + e.getMessage() + ")", e);
        }
    }

    /** The byte offset where the record last returned by {@link #next()} starts. */
    long recordStart() {
        return recordStart;
    }

    /** The next record's data, or null at a clean end of file. */
    byte[] next() {
        recordStart = offset;
        byte[] header = read(TfRecord.HEADER_BYTES, true);
        if (header == null) return null;
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong();
        int lengthCrc = h.getInt();
        if (lengthCrc != TfRecord.maskedCrc(header, 0, 8)) {
            throw corrupt("bad length checksum");
        }
        long remaining = size - offset;
        if (length < 0 || length + TfRecord.FOOTER_BYTES > remaining) {
            throw corrupt("truncated record (needs " + length + " + 4 bytes, file has " + remaining + " more)");
        }
        byte[] data = read((int) length, false);
        byte[] footer = read(TfRecord.FOOTER_BYTES, false);
        int dataCrc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dataCrc != TfRecord.maskedCrc(data, 0, data.length)) {
            throw corrupt("bad data checksum");
        }
        return data;
    }

    EventFileException corrupt(String what) {
        return new EventFileException(file + ": " + what + " in the record at byte " + recordStart
                + " (truncated or corrupt event file)");
    }

    private byte[] read(int n, boolean endAllowed) {
        try {
            byte[] bytes = in.readNBytes(n);
            offset += bytes.length;
            if (bytes.length == 0 && endAllowed) return null;
            if (bytes.length < n) {
                throw corrupt("truncated record (" + bytes.length + " of " + n + " bytes)");
            }
            return bytes;
        } catch (IOException e) {
            throw new EventFileException(file + ": cannot read at byte " + offset + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
