package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.data.Batch;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.data.PackedBatches;
import dev.losscompare.trainer.data.SyntheticCorpus;
import dev.losscompare.trainer.train.LrSchedule;
import org.junit.jupiter.api.Test;

class DataAndScheduleTest {
    @Test
    void corpusIsDeterministicAndHasShortAndLongDocuments() {
        SyntheticCorpus a = new SyntheticCorpus(1234), b = new SyntheticCorpus(1234);
        int shorter = 0, longer = 0;
        for (int i = 0; i < 200; i++) {
            String doc = a.nextDocument();
            assertEquals(doc, b.nextDocument());
            if (doc.length() + 2 < 256) shorter++;
            if (doc.length() + 2 > 256) longer++;
        }
        assertTrue(shorter > 20 && longer > 20, "shorter " + shorter + ", longer " + longer);
        assertNotEquals(new SyntheticCorpus(1).nextDocument(), new SyntheticCorpus(2).nextDocument());
    }

    @Test
    void packingShiftsLabelsByOneAndDocumentsAreBosTextEos() {
        PackedBatches batches = new PackedBatches(new SyntheticCorpus(5), new ByteTokenizer(), 2, 64);
        Batch batch = batches.next();
        assertEquals(128, batch.inputs().length);
        for (int row = 0; row < 2; row++) {
            for (int i = 0; i < 63; i++) assertEquals(batch.inputs()[row * 64 + i + 1], batch.labels()[row * 64 + i]);
        }
        assertEquals(ByteTokenizer.BOS, batch.inputs()[0]);
        int eos = 0;
        for (int step = 0; step < 10; step++) for (long t : batches.next().inputs()) if (t == ByteTokenizer.EOS) eos++;
        assertTrue(eos > 5, "windows hold several documents");
        // Same stream, same fingerprints; a different stream, a different fingerprint.
        assertEquals(new PackedBatches(new SyntheticCorpus(5), new ByteTokenizer(), 2, 64).next().fingerprint(), batch.fingerprint());
        assertNotEquals(new PackedBatches(new SyntheticCorpus(6), new ByteTokenizer(), 2, 64).next().fingerprint(), batch.fingerprint());
        assertEquals(8, batch.fingerprint().length());
    }

    @Test
    void scheduleIsTorchtitansWarmupStableDecayWithAVirtualLastStep() {
        // torchtitan components/lr_scheduler.py: warmup (s+1)/w; stable T+1-w-d steps; linear decay.
        LrSchedule ten = LrSchedule.of(new JobConfig.LrScheduler(2, 0.8, "linear", 0.0), 10);
        assertEquals(new LrSchedule(2, 1, 8, "linear", 0.0), ten);
        double[] tenFactors = new double[10];
        for (int s = 0; s < 10; s++) tenFactors[s] = ten.factor(s);
        assertArrayEquals(new double[] {0.5, 1, 1, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0}, tenFactors, 1e-12);

        // The shipped schedule over 100 steps, at (1-indexed) steps 1, 2, 3, 50, 99, 100.
        LrSchedule hundred = LrSchedule.of(new JobConfig.LrScheduler(2, 0.8, "linear", 0.0), 100);
        assertArrayEquals(new double[] {0.5, 1.0, 1.0, 51 / 80.0, 2 / 80.0, 1 / 80.0},
                new double[] {hundred.factor(0), hundred.factor(1), hundred.factor(2), hundred.factor(49),
                        hundred.factor(98), hundred.factor(99)}, 1e-12);
        // llama4's min_lr_factor 0.1: the decay ends at 0.1 + 0.9 / 80, never at the floor.
        LrSchedule llama4 = LrSchedule.of(new JobConfig.LrScheduler(2, 0.8, "linear", 0.1), 100);
        assertEquals(0.1 + 0.9 / 80, llama4.factor(99), 1e-12);
        assertEquals(0.5, llama4.factor(0), 1e-12);
    }
}
