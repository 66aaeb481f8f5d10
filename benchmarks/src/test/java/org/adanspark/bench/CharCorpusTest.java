package org.adanspark.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.adanspark.spark.data.FeatureBlock;
import org.junit.jupiter.api.Test;

/** The character windows: one-hot history in order, the next character as the label. */
class CharCorpusTest {

    @Test
    void windowsEncodeTheHistoryAndLabelTheNextCharacter() {
        CharCorpus corpus = new CharCorpus("abcab cba");
        assertEquals(4, corpus.vocabularySize()); // ' ', a, b, c in code-point order
        // positions 2..8 predicted from 2 characters each; 3 windows evenly spaced over 7 positions, in 2 blocks
        List<FeatureBlock> blocks = corpus.blocks(2, 2, 9, 3, 2);
        assertEquals(2, blocks.size());
        assertEquals(1, blocks.get(0).rows());
        assertEquals(2, blocks.get(1).rows());
        // first window: position 2 ('c') from "ab"
        assertOneHot(blocks.get(0), 0, "ab", 'c');
        // then positions 2 + 7/3 = 4 ('b' from "ca") and 2 + 14/3 = 6 ('c' from "b ")
        assertOneHot(blocks.get(1), 0, "ca", 'b');
        assertOneHot(blocks.get(1), 1, "b ", 'c');
        assertThrows(IllegalArgumentException.class, () -> corpus.blocks(2, 2, 9, 8, 1));
    }

    private static void assertOneHot(FeatureBlock block, int row, String history, char next) {
        String vocabulary = " abc";
        int v = vocabulary.length();
        float[] expected = new float[history.length() * v];
        for (int c = 0; c < history.length(); c++) {
            expected[c * v + vocabulary.indexOf(history.charAt(c))] = 1f;
        }
        float[] actual = new float[expected.length];
        System.arraycopy(block.features(), row * expected.length, actual, 0, expected.length);
        assertArrayEquals(expected, actual, "history of row " + row);
        assertEquals(vocabulary.indexOf(next), (int) block.labels()[row], "label of row " + row);
    }
}
