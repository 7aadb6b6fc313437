package dev.losscompare.trainer.data;

import java.util.SplittableRandom;

/**
 * An endless, seeded stream of English-like documents made from a small grammar, so there is
 * structure to learn (loss falls clearly) and nothing to download or license. Document lengths
 * vary from a sentence to a few dozen, so some are shorter and some longer than a training window.
 * SplittableRandom's algorithm is fixed by the JDK spec: the same seed gives the same text anywhere.
 */
public final class SyntheticCorpus {
    private static final String[] DETERMINERS = {"the", "a", "every", "one", "that", "this", "some"};
    private static final String[] ADJECTIVES = {
        "quick", "lazy", "bright", "quiet", "small", "large", "old", "young", "green", "red", "cold", "warm",
        "careful", "clever", "heavy", "gentle", "strange", "happy", "silent", "busy"
    };
    private static final String[] NOUNS = {
        "fox", "dog", "river", "model", "trainer", "teacher", "garden", "window", "engine", "city", "bird",
        "student", "machine", "forest", "kernel", "tensor", "village", "signal", "mountain", "library",
        "compiler", "gradient", "market", "sailor", "planet", "lantern"
    };
    private static final String[] VERBS = {
        "watches", "follows", "builds", "finds", "carries", "measures", "paints", "visits", "trains", "opens",
        "remembers", "answers", "checks", "moves", "draws", "counts"
    };
    private static final String[] ADVERBS = {"slowly", "quickly", "again", "today", "carefully", "often", "never", "twice"};
    private static final String[] PREPOSITIONS = {"near", "under", "behind", "beside", "across", "inside", "over"};

    private final SplittableRandom random;

    public SyntheticCorpus(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public String nextDocument() {
        // Geometric-ish number of sentences: mostly short documents, a tail of long ones.
        int sentences = 1 + (int) Math.min(40, -StrictMath.log(1 - random.nextDouble()) * 6);
        StringBuilder doc = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i > 0) doc.append(' ');
            sentence(doc);
        }
        return doc.toString();
    }

    private void sentence(StringBuilder out) {
        int start = out.length();
        out.append(nounPhrase());
        out.append(' ').append(pick(VERBS)).append(' ');
        out.append(nounPhrase());
        if (random.nextInt(3) == 0) out.append(' ').append(pick(PREPOSITIONS)).append(' ').append(nounPhrase());
        if (random.nextInt(4) == 0) out.append(' ').append(pick(ADVERBS));
        out.append(random.nextInt(8) == 0 ? '!' : '.');
        out.setCharAt(start, Character.toUpperCase(out.charAt(start)));
    }

    private String nounPhrase() {
        String adjective = random.nextInt(2) == 0 ? pick(ADJECTIVES) + " " : "";
        return pick(DETERMINERS) + " " + adjective + pick(NOUNS);
    }

    /** Zipf-like pick: earlier words are more frequent, like natural text. */
    private String pick(String[] words) {
        double u = random.nextDouble();
        int index = (int) (words.length * u * u);
        return words[Math.min(index, words.length - 1)];
    }
}
