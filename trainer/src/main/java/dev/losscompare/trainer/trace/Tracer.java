package dev.losscompare.trainer.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.losscompare.trainer.config.JobConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code --debug.trace_steps=SPEC --debug.trace_path=F}: the trainer's tracer. It writes the
 * header and every initial parameter when it starts, then hands out a recording
 * {@link StepTrace} for each traced step and {@link StepTrace#OFF} for the others. With tracing
 * off it is {@link #OFF}, which records nothing.
 */
public final class Tracer implements Closeable {
    public static final int FORMAT_VERSION = 1;
    public static final Tracer OFF = new Tracer(TraceSteps.NONE, List.of(), null, Map.of());

    private final TraceSteps steps;
    private final List<Integer> planned;
    private final TraceWriter writer;
    private final Map<String, Tensor> params;

    private Tracer(TraceSteps steps, List<Integer> planned, TraceWriter writer, Map<String, Tensor> params) {
        this.steps = steps;
        this.planned = planned;
        this.writer = writer;
        this.params = params;
    }

    /**
     * Opens the trace file and records the initial parameters (call after any checkpoint load),
     * or returns OFF when {@code debug.trace_steps} is empty.
     *
     * @param params the model's parameters by name, in registration order
     */
    public static Tracer start(JobConfig config, Map<String, Tensor> params) throws IOException {
        return start(config, params, null);
    }

    /**
     * @param rankOrNull under data parallelism every rank traces its own run: rank 0 to
     *                   debug.trace_path, rank r to that path + ".rank" + r; null on one process
     */
    public static Tracer start(JobConfig config, Map<String, Tensor> params, Integer rankOrNull) throws IOException {
        TraceSteps steps = TraceSteps.parse(config.debug().traceSteps());
        if (steps.isEmpty()) return OFF;
        List<Integer> planned = steps.upTo(config.training().steps());
        String path = config.debug().tracePath() + (rankOrNull == null || rankOrNull == 0 ? "" : ".rank" + rankOrNull);
        Tracer tracer = new Tracer(steps, planned, TraceWriter.open(Path.of(path)), params);
        try {
            tracer.header(config);
            tracer.parameters("init_param", 0);
        } catch (RuntimeException e) {
            tracer.close();
            throw e;
        }
        return tracer;
    }

    /** The step's trace: recording for a traced step (its module probe installed on this thread), else OFF. */
    public StepTrace step(int step) {
        if (writer == null || !steps.contains(step)) return StepTrace.OFF;
        return new RecordingStepTrace(this, step);
    }

    TraceWriter writer() {
        return writer;
    }

    Map<String, Tensor> params() {
        return params;
    }

    /** Every parameter's summary, in registration order. */
    void parameters(String event, int step) {
        try {
            for (Map.Entry<String, Tensor> p : params.entrySet()) {
                TensorSummary summary = TensorSummary.of(p.getValue());
                JsonGenerator g = writer.begin(event, step);
                g.writeStringField("name", p.getKey());
                TraceWriter.summary(g, summary);
                writer.end();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Called when a traced step is complete; after the last planned one the trace says it is whole. */
    void stepDone(int step) {
        if (step != planned.get(planned.size() - 1)) return;
        try {
            JsonGenerator g = writer.begin("end");
            TraceWriter.intArray(g, "steps", planned);
            writer.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void header(JobConfig config) throws IOException {
        JsonGenerator g = writer.begin("trace");
        g.writeNumberField("format_version", FORMAT_VERSION);
        g.writeStringField("model", config.model().name());
        g.writeStringField("flavor", config.model().flavor());
        g.writeStringField("trace_steps", config.debug().traceSteps());
        TraceWriter.intArray(g, "steps", planned);
        g.writeStringField("digest", "sha256-16");
        g.writeStringField("grad_order", "reverse_registration");
        writer.end();
    }

    @Override
    public void close() throws IOException {
        if (writer != null) writer.close();
    }
}
