package dev.losscompare.harness.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Progress of the running trainers on stderr, read from their metrics files as they grow:
 * which revision, step k of N, elapsed time. On a terminal one line is redrawn; otherwise (CI
 * logs) a line is printed at every tenth of the run, so logs stay short.
 */
public final class Progress implements AutoCloseable {
    private static final Pattern STEP = Pattern.compile("\"step\"\\s*:\\s*(\\d+)");
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

    public Tracker track(String label, Path metricsFile, int totalSteps) {
        Tracker t = new Tracker(label, metricsFile, totalSteps);
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
        private final Path file;
        private final int total;
        private final long start = System.nanoTime();
        private long offset;
        private volatile int step;
        private int nextReport = 1;
        private volatile boolean done;

        private Tracker(String label, Path file, int total) {
            this.label = label;
            this.file = file;
            this.total = total;
        }

        void poll() {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= offset) return;
                byte[] chunk = new byte[(int) Math.min(len - offset, 1 << 20)];
                f.seek(offset);
                f.readFully(chunk);
                String text = new String(chunk, StandardCharsets.UTF_8);
                int lastNewline = text.lastIndexOf('\n');
                if (lastNewline < 0) return;   // only part of a line so far
                offset += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
                Matcher m = STEP.matcher(text.substring(0, lastNewline));
                while (m.find()) step = Integer.parseInt(m.group(1));
            } catch (IOException notYetCreated) {
                // the trainer has not opened its metrics file yet
            }
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
