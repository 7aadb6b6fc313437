package dev.losscompare.trainer.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.ModuleProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * One traced step: writes its events in execution order and, while open, is the module probe of
 * the training thread. Only reads tensors (TensorSummary), so the step computes what it would
 * have computed untraced.
 */
final class RecordingStepTrace implements StepTrace, ModuleProbe {
    /** The mask kinds: AttentionMasks.global is the block-causal document mask, local the chunked one. */
    static final String DOCUMENT = "document", CHUNKED = "chunked", NONE = "none";

    private final Tracer tracer;
    private final TraceWriter writer;
    private final int step;
    private final ModuleProbe.Installed installed;
    private Tensor documentMask, chunkedMask;

    RecordingStepTrace(Tracer tracer, int step) {
        this.tracer = tracer;
        this.writer = tracer.writer();
        this.step = step;
        this.installed = ModuleProbe.install(this);
    }

    @Override
    public void inputs(Tensor tokens, Tensor labels, AttentionMasks masks) {
        tensorEvent("input", "tokens", tokens);
        tensorEvent("input", "labels", labels);
        if (masks == null) {
            mask(NONE, null);
            return;
        }
        documentMask = masks.global();
        chunkedMask = masks.local();
        mask(DOCUMENT, documentMask);
        if (chunkedMask != null) mask(CHUNKED, chunkedMask);
    }

    @Override
    public void output(String name, Tensor value) {
        tensorEvent("module", name, value);
    }

    @Override
    public void attention(String name, Tensor value, Tensor maskOrNull) {
        TensorSummary summary = TensorSummary.of(value);
        write("module", g -> {
            g.writeStringField("name", name);
            TraceWriter.summary(g, summary);
            g.writeStringField("mask", kindOf(maskOrNull));
        });
    }

    @Override
    public void router(String name, Tensor scores, long[] tokensPerExpert) {
        TensorSummary summary = TensorSummary.of(scores);
        write("module", g -> {
            g.writeStringField("name", name);
            TraceWriter.summary(g, summary);
            g.writeFieldName("tokens_per_expert");
            g.writeArray(tokensPerExpert, 0, tokensPerExpert.length);
        });
    }

    @Override
    public void loss(Tensor loss) {
        double value = loss.item_float();
        write("loss", g -> g.writeNumberField("loss", value));
    }

    /** Reverse registration order: autograd's own order is not observable from here (see docs). */
    @Override
    public void gradients() {
        List<Map.Entry<String, Tensor>> params = new ArrayList<>(tracer.params().entrySet());
        for (int i = params.size() - 1; i >= 0; i--) {
            Map.Entry<String, Tensor> p = params.get(i);
            try (PointerScope scope = new PointerScope()) {
                Tensor grad = p.getValue().grad();
                TensorSummary summary = grad.defined() ? TensorSummary.of(grad) : null;
                write("grad", g -> {
                    g.writeStringField("name", p.getKey());
                    TraceWriter.summary(g, summary);
                });
            }
        }
    }

    @Override
    public void optimizerStep(double lr, float gradNorm, boolean applied) {
        write("optimizer_step", g -> {
            g.writeNumberField("lr", lr);
            g.writeNumberField("grad_norm", (double) gradNorm);
            g.writeBooleanField("applied", applied);
        });
        tracer.parameters("param", step);
        tracer.stepDone(step);
    }

    @Override
    public void close() {
        installed.close();
    }

    private String kindOf(Tensor maskOrNull) {
        if (maskOrNull == null) return NONE;
        if (maskOrNull == documentMask) return DOCUMENT;
        if (maskOrNull == chunkedMask) return CHUNKED;
        return "unknown";
    }

    private void mask(String kind, Tensor maskOrNull) {
        TensorSummary summary = maskOrNull == null ? null : TensorSummary.of(maskOrNull);
        write("mask", g -> {
            g.writeStringField("kind", kind);
            if (summary == null) {
                g.writeNullField("shape");
                g.writeNullField("dtype");
                g.writeNullField("digest");
                g.writeNullField("true_count");
            } else {
                TraceWriter.summary(g, summary);
            }
        });
    }

    private void tensorEvent(String event, String name, Tensor value) {
        TensorSummary summary = TensorSummary.of(value);
        write(event, g -> {
            g.writeStringField("name", name);
            TraceWriter.summary(g, summary);
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private void write(String event, Fields fields) {
        try {
            fields.write(writer.begin(event, step));
            writer.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
