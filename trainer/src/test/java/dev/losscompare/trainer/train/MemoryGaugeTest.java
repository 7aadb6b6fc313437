package dev.losscompare.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The memory figure's source follows the device. On CPU it is the resident set, read here; the
 * CUDA allocator's peak is chosen for a CUDA device without touching CUDA (no GPU here: its
 * reading is untested on a GPU).
 */
class MemoryGaugeTest {
    @Test
    void cpuReadsTheResidentSetAndCudaTheCachingAllocatorsPeak() {
        MemoryGauge cpu = MemoryGauge.of(new Device(torch.DeviceType.CPU));
        assertEquals(new MemoryGauge.ResidentSet(), cpu);
        assertEquals("rss", cpu.source());
        cpu.beginStep();
        long before = cpu.bytes();
        try (Tensor held = torch.ones(32L << 20)) { // 128 MiB of fp32, written, so resident
            assertTrue(cpu.bytes() - before > 100L << 20, "RSS grew by the tensor: " + before + " -> " + cpu.bytes());
        }

        MemoryGauge cuda = MemoryGauge.of(new Device(torch.DeviceType.CUDA));
        assertEquals(new MemoryGauge.CudaReservedPeak((byte) -1), cuda, "the current CUDA device's peak");
        assertEquals("cuda_peak_reserved", cuda.source());
        assertEquals(new MemoryGauge.CudaReservedPeak((byte) 1), MemoryGauge.of(new Device(torch.DeviceType.CUDA, (byte) 1)));
    }
}
