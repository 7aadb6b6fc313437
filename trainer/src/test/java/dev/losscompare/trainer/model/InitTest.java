package dev.losscompare.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** A model built to be overwritten by a load draws what a full initialization draws, and no more. */
class InitTest {
    @Test
    void drawsOnlyLeavesTheGeneratorWhereAFullInitializationDoes() {
        for (String name : new String[] {"llama3", "llama4", "deepseek_v3"}) {
            torch.manual_seed(7);
            Model full = ModelRegistry.create(name, "debugmodel", 258, 16, TorchtitanShapesTest.CPU);
            byte[] afterFull = generatorState();
            torch.manual_seed(7);
            Model drawn;
            try (Init.DrawsOnly ignored = Init.drawsOnly()) {
                drawn = ModelRegistry.create(name, "debugmodel", 258, 16, TorchtitanShapesTest.CPU);
            }
            assertArrayEquals(afterFull, generatorState(), name + ": the generator's state after the model is built");
            // The head's trunc_normal_ (std 0.0625; full again once the last model's drawsOnly closed) against
            // the uniform draws in (-1, 1) it did not turn into values.
            double fullStd = full.parameters().byName().get("output.weight").std().item_double();
            double drawnStd = drawn.parameters().byName().get("output.weight").std().item_double();
            assertTrue(fullStd < 0.1 && drawnStd > 0.3, name + ": std " + fullStd + " initialized, " + drawnStd + " drawn only");
        }
    }

    private static byte[] generatorState() {
        Tensor state = torch.getDefaultCPUGenerator().get_state().contiguous();
        byte[] bytes = new byte[(int) state.nbytes()];
        new BytePointer(state.data_ptr()).capacity(bytes.length).get(bytes);
        return bytes;
    }
}
