package dev.losscompare.core.sources;

import dev.losscompare.core.io.IoMessages;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.tbevents.EventFileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an existing run (a file or a folder) in any format the harness knows, detecting the
 * format unless one is given. Detection: a folder, or a file named events.out.tfevents.*, is
 * TensorBoard; a JSON document whose members are {"values": ..., "step_interval": ...} objects
 * is Megatron golden values; a file whose first line is a JSON object is our metrics file; a
 * text with torchtitan step lines is a torchtitan log. Whatever cannot be read is an
 * {@link UnreadableSeriesException} whose one-line message names the file.
 */
public final class RunSources {
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RunSources() {}

    public static SourcedSeries read(Path path, SourceOptions options) {
        SeriesFormat format = options.format() != null ? options.format() : detect(path, options.words());
        if (format != SeriesFormat.TENSORBOARD && !Files.isRegularFile(path)) {
            throw new UnreadableSeriesException(path + ": no such file (a " + format + " source is a file)");
        }
        return switch (format) {
            case JSONL -> JsonlSource.read(path);
            case TORCHTITAN_LOG -> TorchtitanLogSource.read(path, options);
            case TENSORBOARD -> TensorBoardSource.read(path, options);
            case MEGATRON_GOLDEN -> MegatronGoldenSource.read(path, options);
        };
    }

    public static SeriesFormat detect(Path path) {
        return detect(path, SettingWords.UNNAMED);
    }

    /** The format of {@code path}; a message names the format setting in {@code words}. */
    public static SeriesFormat detect(Path path, SettingWords words) {
        if (Files.isDirectory(path) || EventFileReader.isEventFile(path)) return SeriesFormat.TENSORBOARD;
        if (!Files.isRegularFile(path)) throw new UnreadableSeriesException(path + ": no such file or folder");
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnreadableSeriesException(path + ": cannot read as text (" + IoMessages.describe(e)
                    + "); for a TensorBoard event file pass " + words.withValue(Setting.FORMAT, "tensorboard"));
        }
        String first = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
        if (first == null) throw new UnreadableSeriesException(path + ": empty file");
        if (first.startsWith("{")) {
            JsonNode whole = null;
            try {
                whole = STRICT_JSON.readTree(text);
            } catch (IOException e) {
                // several JSON lines, or a truncated document: read as JSON Lines, which names the bad line
            }
            return MegatronGoldenSource.looksLikeGolden(whole) ? SeriesFormat.MEGATRON_GOLDEN : SeriesFormat.JSONL;
        }
        if (TorchtitanLogSource.hasStepLine(List.of(text.split("\n")))) return SeriesFormat.TORCHTITAN_LOG;
        throw new UnreadableSeriesException(path + ": not a format the harness reads (" + SeriesFormat.names()
                + "); no torchtitan step lines found");
    }
}
