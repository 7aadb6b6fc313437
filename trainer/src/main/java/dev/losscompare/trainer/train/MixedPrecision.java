package dev.losscompare.trainer.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * training.mixed_precision_param for single-device training, as torchtitan does it
 * (distributed/utils.py:217-237): the forward pass and loss run under autocast to bf16, so
 * matmuls compute in bf16 while parameters, gradients and optimizer state stay fp32. The model
 * upcasts where torchtitan does (RoPE, router scores, logits before the loss).
 */
public final class MixedPrecision implements AutoCloseable {
    private final Device device;
    private final boolean enabled;

    private MixedPrecision(Device device, boolean enabled) {
        this.device = device;
        this.enabled = enabled;
    }

    /** Enters autocast for "bfloat16"; "float32" does nothing. Close after the loss, before backward. */
    public static MixedPrecision enter(String param, Device device) {
        boolean bf16 = param.equals("bfloat16");
        if (bf16) {
            torch.DeviceType type = device.type();
            torch.set_autocast_dtype(type, torch.ScalarType.BFloat16);
            // No weight-cast cache: weights change every step, and a cache outliving the step's
            // PointerScope would pin freed tensors. Casting each use gives the same bits.
            torch.set_autocast_cache_enabled(false);
            torch.set_autocast_enabled(type, true);
        }
        return new MixedPrecision(device, bf16);
    }

    @Override
    public void close() {
        if (enabled) torch.set_autocast_enabled(device.type(), false);
    }
}
