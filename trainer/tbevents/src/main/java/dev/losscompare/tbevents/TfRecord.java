package dev.losscompare.tbevents;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: each record is
 * {@code uint64 length, uint32 masked_crc32c(length bytes), data, uint32 masked_crc32c(data)},
 * all little-endian. The mask is TensorFlow's (tensorflow/core/lib/hash/crc32c.h, Mask):
 * rotate right by 15 bits, add 0xa282ead8.
 */
final class TfRecord {
    static final int HEADER_BYTES = 12;
    static final int FOOTER_BYTES = 4;
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return Integer.rotateRight(value, 15) + MASK_DELTA;
    }

    /** The framed record for {@code data}. */
    static byte[] frame(byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + data.length + FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(data.length);
        out.putInt(maskedCrc(out.array(), 0, 8));
        out.put(data);
        out.putInt(maskedCrc(data, 0, data.length));
        return out.array();
    }
}
