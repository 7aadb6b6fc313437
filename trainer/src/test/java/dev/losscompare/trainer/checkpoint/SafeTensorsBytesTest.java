package dev.losscompare.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same tensors and metadata are the same bytes, whatever order the metadata map iterates in:
 * the seed checkpoint's metadata was a Map.of, whose order is drawn per JVM, so two runs wrote
 * the same weights as two different files.
 */
class SafeTensorsBytesTest {
    @TempDir Path dir;

    @Test
    void theMetadataIsWrittenInOneOrder() throws Exception {
        Map<String, String> forward = new LinkedHashMap<>(), backward = new LinkedHashMap<>();
        forward.put("model", "llama3");
        forward.put("flavor", "debugmodel");
        forward.put("seed", "42");
        backward.put("seed", "42");
        backward.put("flavor", "debugmodel");
        backward.put("model", "llama3");
        try (PointerScope ignored = new PointerScope()) {
            Map<String, Tensor> tensors = Map.of("w", torch.ones(2, 3));
            SafeTensors.write(tensors, dir.resolve("a.safetensors"), forward, () -> {});
            SafeTensors.write(tensors, dir.resolve("b.safetensors"), backward, () -> {});
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.safetensors")), Files.readAllBytes(dir.resolve("b.safetensors")));
    }
}
