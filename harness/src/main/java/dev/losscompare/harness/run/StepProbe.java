package dev.losscompare.harness.run;

import dev.losscompare.tbevents.EventFileReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the progress line learns a running trainer's latest step: the lines of a growing file
 * (our JSONL metrics, or the trainer's log read with its step pattern) or a TensorBoard folder.
 * {@link #latest()} is polled about once a second and never throws: a file not there yet is step 0.
 */
public interface StepProbe {
    /** The latest step seen so far (our numbering), or 0. */
    int latest();

    /** Our metrics file as the trainer appends to it. */
    static StepProbe jsonl(Path file) {
        return new Tail(file, Pattern.compile("\"step\"\\s*:\\s*(?<step>\\d+)"), 0);
    }

    /** A log's lines matched by {@code pattern} (a named group step), printed step + {@code offset} = our step. */
    static StepProbe log(Path file, Pattern pattern, int offset) {
        return new Tail(file, pattern, offset);
    }

    /** The highest step of {@code tag} in a TensorBoard folder (re-read at every poll: these runs are short and small). */
    static StepProbe tensorboard(Path folder, String tag) {
        return () -> {
            try {
                if (!Files.isDirectory(folder)) return 0;
                NavigableMap<Long, Double> s = EventFileReader.read(folder).series(tag);
                return s == null || s.isEmpty() ? 0 : Math.toIntExact(s.lastKey());
            } catch (RuntimeException partOfAFileOrNotYet) {
                return 0;
            }
        };
    }

    /** Reads only what was appended since the last poll, whole lines only. */
    final class Tail implements StepProbe {
        private final Path file;
        private final Pattern pattern;
        private final int offset;
        private long read;
        private int step;

        Tail(Path file, Pattern pattern, int offset) {
            this.file = file;
            this.pattern = pattern;
            this.offset = offset;
        }

        @Override
        public synchronized int latest() {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= read) return step;
                byte[] chunk = new byte[(int) Math.min(len - read, 1 << 20)];
                f.seek(read);
                f.readFully(chunk);
                String text = new String(chunk, StandardCharsets.UTF_8);
                int lastNewline = text.lastIndexOf('\n');
                if (lastNewline < 0) return step;   // only part of a line so far
                read += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
                for (String line : text.substring(0, lastNewline).split("\n")) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) step = Integer.parseInt(m.group("step")) + offset;
                }
            } catch (IOException | IllegalArgumentException notYetOrNoNumber) {
                // the trainer has not opened the file yet, or the pattern's step is no number
            }
            return step;
        }
    }
}
