package dev.losscompare.trainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The model's trainable tensors by fully qualified name ({@code layers.0.attention.wq.weight}),
 * in registration order. The order is part of determinism: init, optimizer and checkpoint
 * all walk it the same way.
 */
public final class Parameters {
    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Device device;

    public Parameters(Device device) {
        this.device = device;
    }

    /** Registers a zero-filled fp32 parameter; the model's init fills it afterwards. */
    public Tensor create(String name, long... shape) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        Tensor t = torch.zeros(shape, Ops.options(torch.ScalarType.Float, device));
        t.set_requires_grad(true);
        // Parameters live as long as the model, outside any per-step PointerScope.
        t.retainReference();
        byName.put(name, t);
        return t;
    }

    /**
     * Registers a persistent buffer: state that is not trained by the optimizer but decides later
     * steps (MoE expert bias), so training checkpoints save it (torchtitan: register_buffer(...,
     * persistent=True), models/moe.py:378-381 at 6a3a9da9).
     */
    public Tensor buffer(String name, Tensor t) {
        if (buffers.containsKey(name) || byName.containsKey(name)) throw new IllegalArgumentException("duplicate name " + name);
        buffers.put(name, t);
        return t;
    }

    /** The persistent buffers by name, in registration order. */
    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    public Map<String, Tensor> byName() {
        return Collections.unmodifiableMap(byName);
    }

    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter " + name);
        return t;
    }

    public long count() {
        long n = 0;
        for (Tensor t : byName.values()) n += t.numel();
        return n;
    }

    /** A fresh vector of the parameters for the optimizer and grad clipping. */
    public TensorVector asVector() {
        TensorVector v = new TensorVector();
        for (Tensor t : byName.values()) v.push_back(t);
        return v;
    }

    public Device device() {
        return device;
    }
}
