package dev.losscompare.harness.diagnose;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two seed checkpoints tensor by tensor: which tensors differ in bytes, and which exist
 * on one side only. A seed checkpoint makes both runs start from the same weights, so a change
 * to the test revision's own initialization is invisible in the series; this says it.
 */
final class InitialWeights {
    record Difference(List<String> differing, List<String> onlyInSeed, List<String> onlyInOwn) {
        boolean none() {
            return differing.isEmpty() && onlyInSeed.isEmpty() && onlyInOwn.isEmpty();
        }
    }

    private InitialWeights() {}

    /** @param seed the checkpoint both runs loaded; @param own the one the other revision writes itself */
    static Difference compare(Path seed, Path own) throws IOException {
        try (Safetensors a = Safetensors.open(seed); Safetensors b = Safetensors.open(own)) {
            List<String> differing = new ArrayList<>(), onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
            for (String name : a.entries().keySet()) {
                if (!b.entries().containsKey(name)) onlyA.add(name);
                else if (!a.sameTensor(name, b)) differing.add(name);
            }
            for (String name : b.entries().keySet()) if (!a.entries().containsKey(name)) onlyB.add(name);
            return new Difference(differing, onlyA, onlyB);
        }
    }
}
