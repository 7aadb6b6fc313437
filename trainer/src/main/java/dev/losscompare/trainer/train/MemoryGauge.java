package dev.losscompare.trainer.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.cuda.DeviceStats;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * A step's memory figure, chosen by the run's device: on CPU the process's resident set after
 * the step; on CUDA the caching allocator's peak of reserved device memory during the step (what
 * torch.cuda.max_memory_reserved() reports, torchtitan's max_reserved), since most of a GPU run's
 * memory is on the device, where RSS cannot see it. The CUDA gauge is untested on a GPU.
 */
public sealed interface MemoryGauge {
    /** What the figure is, for the metrics meta's {@code memory_source}. */
    String source();

    /** Called as a step begins: a peak gauge starts the step's own peak here. */
    void beginStep();

    /** The step's figure in bytes, read after it; -1 unknown. */
    long bytes();

    static MemoryGauge of(Device device) {
        return device.is_cuda() ? new CudaReservedPeak(device.index()) : new ResidentSet();
    }

    /** CPU: the process's resident set after the step. */
    record ResidentSet() implements MemoryGauge {
        @Override
        public String source() {
            return "rss";
        }

        @Override
        public void beginStep() {}

        @Override
        public long bytes() {
            return Runtime.residentBytes();
        }
    }

    /**
     * CUDA: the caching allocator's reserved bytes at their peak during the step (all pools). Only
     * its methods touch the CUDA natives, so the CPU build loads nothing of CUDA.
     *
     * @param index the device, -1 the current one
     */
    record CudaReservedPeak(byte index) implements MemoryGauge {
        @Override
        public String source() {
            return "cuda_peak_reserved";
        }

        @Override
        public void beginStep() {
            torch_cuda.getAllocator().resetPeakStats(device());
        }

        @Override
        public long bytes() {
            try (DeviceStats stats = torch_cuda.getAllocator().getDeviceStats(device())) {
                return stats.reserved_bytes().peak(); // the StatArray's first entry: every pool together
            }
        }

        private byte device() {
            return index >= 0 ? index : torch_cuda.current_device();
        }
    }
}
