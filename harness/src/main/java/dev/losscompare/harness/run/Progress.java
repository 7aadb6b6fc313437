package dev.losscompare.harness.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Progress of the running trainers on stderr, read from where each reports its steps ({@link StepProbe}):
 * which revision, step k of N, elapsed time. On a terminal one line is redrawn; otherwise (CI
 * logs) a line is printed at every tenth of the run, so logs stay short.
 */
public final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final boolean redraw;
    private final List<Tracker> trackers = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean closed;

    public Progress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
        this.poller = new Thread(this::loop, "loss_compare-progress");
        poller.setDaemon(true);
        poller.start();
    }

    /** Watches our metrics file as it grows. */
    public Tracker track(String label, Path metricsFile, int totalSteps) {
        return track(label, StepProbe.jsonl(metricsFile), totalSteps);
    }

    /** Watches wherever the trainer reports its steps (its log, TensorBoard, our JSONL). */
    public Tracker track(String label, StepProbe probe, int totalSteps) {
        Tracker t = new Tracker(label, probe, totalSteps);
        trackers.add(t);
        return t;
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    private synchronized void tick() {
        StringBuilder line = new StringBuilder();
        for (Tracker t : trackers) {
            if (t.done) continue;
            t.poll();
            if (redraw) {
                if (line.length() > 0) line.append("  |  ");
                line.append(t.describe());
            } else if (t.step >= t.nextReport) {
                out.println(t.describe());
                t.nextReport = t.step + Math.max(1, t.total / 10);
            }
        }
        if (redraw && line.length() > 0) {
            out.print("\r\033[K" + line);
            out.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }

    /** One trainer run being watched. */
    public final class Tracker {
        private final String label;
        private final StepProbe probe;
        private final int total;
        private final long start = System.nanoTime();
        private volatile int step;
        private int nextReport = 1;
        private volatile boolean done;

        private Tracker(String label, StepProbe probe, int total) {
            this.label = label;
            this.probe = probe;
            this.total = total;
        }

        void poll() {
            step = probe.latest();
        }

        String describe() {
            return label + ": step " + step + "/" + total + " · " + elapsed();
        }

        private String elapsed() {
            long s = (System.nanoTime() - start) / 1_000_000_000L;
            return s < 60 ? s + "s" : (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }

        /** Ends this line of progress with how the run ended. */
        public void finish(String how) {
            synchronized (Progress.this) {
                if (done) return;
                poll();
                done = true;
                if (redraw) out.print("\r\033[K");
                out.println(label + ": " + how + " after " + elapsed() + " (" + step + "/" + total + " steps)");
            }
        }
    }
}
