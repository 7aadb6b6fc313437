package dev.losscompare.harness.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-rank run's log holds every rank's lines, ranks above 0 behind "[rankN] " (the trainer's
 * launcher, like torchrun's --tee); next to it go one log per rank (&lt;log&gt;.rankN.log), so a
 * crashed rank's own lines are read without the others'.
 */
final class RankLogs {
    private RankLogs() {}

    static void split(Path log, int ranks) throws IOException {
        if (!Files.isRegularFile(log)) return;
        List<List<String>> byRank = new ArrayList<>();
        for (int r = 0; r < ranks; r++) byRank.add(new ArrayList<>());
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int rank = 0;
            String text = line;
            if (line.startsWith("[rank")) {
                int end = line.indexOf("] ");
                try {
                    rank = Integer.parseInt(line.substring(5, end));
                    text = line.substring(end + 2);
                } catch (RuntimeException notAPrefix) {
                    rank = 0;
                }
            }
            byRank.get(rank >= 0 && rank < ranks ? rank : 0).add(text);
        }
        String name = log.getFileName().toString().replaceFirst("\\.log$", "");
        for (int r = 0; r < ranks; r++) {
            Files.write(log.resolveSibling(name + ".rank" + r + ".log"), byRank.get(r), StandardCharsets.UTF_8);
        }
    }
}
