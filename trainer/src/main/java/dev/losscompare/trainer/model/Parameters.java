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
