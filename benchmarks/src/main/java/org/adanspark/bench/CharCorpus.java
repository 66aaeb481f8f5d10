package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.data.TrainTestData;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Tiny-Shakespeare as a next-character classification problem: each example is the one-hot encoding of
 * the {@code context} characters before a position, its label the character at that position.
 *
 * <p>The text is split as in the usual character-model recipe: the first 90% for training, the last 10%
 * for validation. Windows are taken every {@code stride} characters (the training stride set so that
 * the requested number of examples spans the whole training text). The vocabulary is every distinct
 * character of the whole file (65 for Tiny-Shakespeare), so a validation character is never unknown.
 * A model trained on this is a fixed-context character MLP; its validation log-loss in bits is the bits
 * per character.
 */
public final class CharCorpus {

    private final String text;
    private final char[] vocabulary;
    private final int[] index = new int[Character.MAX_VALUE + 1];

    /**
     * @param text the corpus
     */
    CharCorpus(String text) {
        this.text = text;
        TreeSet<Character> chars = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            chars.add(text.charAt(i));
        }
        vocabulary = new char[chars.size()];
        int k = 0;
        for (char c : chars) {
            index[c] = k;
            vocabulary[k++] = c;
        }
    }

    /**
     * @return the corpus at {@code tinyshakespeare/input.txt}, found like the other data sets
     *     ({@code $ADAN_DATA_DIR}, {@code shared/data} in the working directory or a parent)
     * @throws UncheckedIOException when it is missing or unreadable, naming every place looked in
     */
    public static CharCorpus tinyShakespeare() {
        try {
            return new CharCorpus(Files.readString(Path.of(path()), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * @return the path of {@code tinyshakespeare/input.txt}, found like the other data sets
     * @throws UncheckedIOException when it is missing, naming every place looked in
     */
    public static String path() {
        try {
            return new DataSetLocator(null).locate("tinyshakespeare", "input.txt").resolve("input.txt").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** @return distinct characters, the number of classes */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** @return characters in the file */
    public int length() {
        return text.length();
    }

    /**
     * Builds cached training and validation blocks.
     *
     * @param jsc the Spark context
     * @param context characters of history per example
     * @param trainExamples training windows, spread evenly over the first 90% of the text
     * @param validationExamples validation windows, spread evenly over the last 10%
     * @param partitions training blocks (one per Spark partition)
     * @return the data, validated like any other input
     */
    public TrainTestData windows(JavaSparkContext jsc, int context, int trainExamples, int validationExamples,
                                 int partitions) {
        int split = (int) (text.length() * 0.9);
        BlockDataset train = BlockDataset.fromBlocks(jsc, "tinyshakespeare train (context " + context + ")",
                blocks(context, context, split, trainExamples, partitions), vocabulary.length);
        BlockDataset validation = BlockDataset.fromBlocks(jsc, "tinyshakespeare validation (context " + context + ")",
                blocks(context, split + context, text.length(), validationExamples, 1), vocabulary.length);
        return new TrainTestData(train, validation);
    }

    /** Windows predicting positions {@code [from, to)}, {@code count} of them evenly spaced, in blocks. */
    List<FeatureBlock> blocks(int context, int from, int to, int count, int partitions) {
        int available = to - from;
        if (count > available) {
            throw new IllegalArgumentException(count + " examples asked of " + available + " positions in [" + from
                    + ", " + to + ") of the corpus");
        }
        int v = vocabulary.length;
        int dim = context * v;
        List<FeatureBlock> out = new ArrayList<>();
        for (int part = 0; part < partitions; part++) {
            int first = (int) ((long) count * part / partitions);
            int last = (int) ((long) count * (part + 1) / partitions);
            int rows = last - first;
            float[] x = new float[rows * dim];
            float[] y = new float[rows];
            for (int r = 0; r < rows; r++) {
                int position = from + (int) ((long) (first + r) * available / count);
                for (int c = 0; c < context; c++) {
                    x[r * dim + c * v + index[text.charAt(position - context + c)]] = 1f;
                }
                y[r] = index[text.charAt(position)];
            }
            out.add(new FeatureBlock(part, rows, dim, x, y, LabelKind.CLASS_INDEX, null));
        }
        return out;
    }
}
