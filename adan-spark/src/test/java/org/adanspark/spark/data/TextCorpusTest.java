package org.adanspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text corpus into character windows: the split, the vocabulary, the windows, and bad input named. */
class TextCorpusTest {

    @TempDir
    Path tmp;

    private String file(String text) throws IOException {
        Path p = tmp.resolve("corpus.txt");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p.toString();
    }

    @Test
    void theFirstNinetyPercentTrainsAndGivesTheVocabularyInCodePointOrder() throws IOException {
        String text = "abc".repeat(22); // 66 characters
        TextCorpus corpus = TextCorpus.read(file(text), new Configuration(), 3);
        assertEquals(59, corpus.trainLength());
        assertEquals(7, corpus.validationLength());
        assertArrayEquals(new int[] {'a', 'b', 'c'}, corpus.vocabulary());
        assertEquals(Math.log(3) / Math.log(2), corpus.unigramBits(), 0.01);
        assertEquals(19, corpus.windows(false, 3));
        assertEquals(2, corpus.windows(true, 3));

        FeatureBlock train = corpus.slice(0, false, 3, 1, 3).read();
        assertEquals(LabelKind.NEXT_TOKEN, train.labelKind());
        // windows 1 and 2 start at characters 3 and 6 and share their edges: "abca", "abca"
        assertArrayEquals(new float[] {0, 1, 2, 0, 0, 1, 2, 0}, train.features());
        assertEquals(3, train.inputWidth());
        assertEquals(1, train.target(0, 0));
        FeatureBlock validation = corpus.slice(0, true, 3, 0, 2).read();
        // the validation part starts at character 59: "cabcabc"
        assertArrayEquals(new float[] {2, 0, 1, 2, 2, 0, 1, 2}, validation.features());
    }

    @Test
    void windowsGatherAsIdsAndOneHotNextTokensPerPosition() throws IOException {
        FeatureBlock block = TextCorpus.read(file("abc".repeat(10)), new Configuration(), 2)
                .slice(0, false, 2, 0, 2).read(); // "abc", "cab"
        float[] x = new float[2 * 2];
        float[] y = new float[2 * 3 * 2];
        block.gather(new int[] {1, 0}, 0, 2, 3, x, y);
        assertArrayEquals(new float[] {2, 0, 0, 1}, x);
        // y[r, class, t]: row 0 ("cab") predicts a then b, row 1 ("abc") b then c
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1}, y);
    }

    @Test
    void badCorporaAreRefusedNamingTheProblem() throws IOException {
        Configuration hadoop = new Configuration();
        String empty = file("");
        assertEquals("text corpus " + empty + " is empty",
                assertThrows(DataValidationException.class, () -> TextCorpus.read(empty, hadoop, 8)).getMessage());

        String shortText = file("to be or not to be");
        String tooShort = assertThrows(DataValidationException.class, () -> TextCorpus.read(shortText, hadoop, 64))
                .getMessage();
        assertTrue(tooShort.contains("has 18 characters: its training part (the first 90%) has 16, fewer than one window "
                + "of 64 + 1 (adan.data.window, --window)"), tooShort);

        String unseen = file("a".repeat(98) + "z");
        String outside = assertThrows(DataValidationException.class, () -> TextCorpus.read(unseen, hadoop, 4)).getMessage();
        assertTrue(outside.contains("character 'z' (U+007A) at character 98, in the validation part (the last 10%, from "
                + "character 89), does not occur in the training part, whose vocabulary is 1 characters"), outside);

        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        String notUtf8 = assertThrows(DataValidationException.class,
                () -> TextCorpus.read(latin1.toString(), hadoop, 2)).getMessage();
        assertTrue(notUtf8.contains("is not UTF-8: byte 3 (0xE9) does not decode"), notUtf8);
    }
}
