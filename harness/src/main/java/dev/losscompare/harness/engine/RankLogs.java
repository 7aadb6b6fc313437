package dev.losscompare.harness.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-rank run's log holds every rank's lines, ranks above 0 behind "[rankN] " (this
 * repository's trainer) or every rank behind "[rankN]:" (torchrun --tee with --role rank, as
 * torchtitan's run_train.sh starts it); next to it go one log per rank (&lt;log&gt;.rankN.log), so a
 * crashed rank's own lines are read without the others'. Lines without a prefix are rank 0's.
 */
final class RankLogs {
    private static final Pattern PREFIX = Pattern.compile("\\[rank(\\d+)\\](?:: ?| )");

    private RankLogs() {}

    static void split(Path log, int ranks) throws IOException {
        if (!Files.isRegularFile(log)) return;
        List<List<String>> byRank = new ArrayList<>();
        for (int r = 0; r < ranks; r++) byRank.add(new ArrayList<>());
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = PREFIX.matcher(line);
            boolean prefixed = m.lookingAt() && m.group(1).length() < 6;
            int rank = prefixed ? Integer.parseInt(m.group(1)) : 0;
            byRank.get(rank < ranks ? rank : 0).add(prefixed ? line.substring(m.end()) : line);
        }
        String name = log.getFileName().toString().replaceFirst("\\.log$", "");
        for (int r = 0; r < ranks; r++) {
            Files.write(log.resolveSibling(name + ".rank" + r + ".log"), byRank.get(r), StandardCharsets.UTF_8);
        }
    }
}
