package org.adanspark.spark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A UTF-8 text corpus as a language model's data: its characters (Unicode code points), split into a
 * training part (the first 90%) and a validation part (the last 10%), the vocabulary (the training part's
 * distinct characters, in code-point order; a character's id is its index), and the windows both parts
 * are cut into.
 *
 * <p>A window of length {@code T} is {@code T + 1} consecutive ids: the model reads the first {@code T}
 * and predicts, at every position, the id that follows. Windows start every {@code T} characters, so the
 * text is covered once and neighbouring windows share one character; the {@code (n − 1) mod T}
 * characters left at a part's end are not used.
 */
public final class TextCorpus implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The fraction of the text, from its end, that validates. */
    public static final double VALIDATION_FRACTION = 0.1;

    private final String path;
    private final int[] vocabulary;
    private final int trainLength;
    private final int validationLength;
    private final double unigramBits;

    private TextCorpus(String path, int[] vocabulary, int trainLength, int validationLength, double unigramBits) {
        this.path = path;
        this.vocabulary = vocabulary;
        this.trainLength = trainLength;
        this.validationLength = validationLength;
        this.unigramBits = unigramBits;
    }

    /**
     * Reads and checks a corpus.
     *
     * @param path the file, on any Hadoop file system
     * @param hadoop the Hadoop configuration
     * @param window characters per window
     * @return the corpus
     * @throws DataValidationException when the file is empty or not UTF-8, a part is shorter than one
     *     window, or the validation part holds a character the training part does not
     * @throws IOException when the file cannot be read
     */
    public static TextCorpus read(String path, Configuration hadoop, int window) throws IOException {
        int[] text = codePoints(path, hadoop);
        if (text.length == 0) {
            throw new DataValidationException("text corpus " + path + " is empty");
        }
        int train = (int) Math.round(text.length * (1 - VALIDATION_FRACTION));
        int validation = text.length - train;
        requireWindow(path, text.length, "training part (the first 90%)", train, window);
        requireWindow(path, text.length, "validation part (the last 10%)", validation, window);
        long[] counts = new long[Character.MAX_CODE_POINT + 1];
        for (int i = 0; i < train; i++) {
            counts[text[i]]++;
        }
        int[] vocabulary = java.util.stream.IntStream.range(0, counts.length).filter(c -> counts[c] > 0).toArray();
        double entropy = 0;
        for (int c : vocabulary) {
            double p = counts[c] / (double) train;
            entropy -= p * Math.log(p) / Math.log(2);
        }
        for (int i = train; i < text.length; i++) {
            if (counts[text[i]] == 0) {
                throw new DataValidationException(String.format(Locale.ROOT, "text corpus %s: character %s (U+%04X) at "
                        + "character %d, in the validation part (the last 10%%, from character %d), does not occur in "
                        + "the training part, whose vocabulary is %d characters; a model cannot predict it", path,
                        printable(text[i]), text[i], i, train, vocabulary.length));
            }
        }
        return new TextCorpus(path, vocabulary, train, validation, entropy);
    }

    private static void requireWindow(String path, int characters, String part, int length, int window) {
        if (length < window + 1) {
            throw new DataValidationException("text corpus " + path + " has " + characters + " characters: its " + part
                    + " has " + length + ", fewer than one window of " + window + " + 1 (adan.data.window, --window); "
                    + "give a shorter window or a longer text");
        }
    }

    /** The file's code points; bytes that are not UTF-8 are an error naming their offset. */
    static int[] codePoints(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p)) {
            throw new java.io.FileNotFoundException("data file " + path + " does not exist");
        }
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
            bytes = in.readAllBytes();
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            int offset = firstMalformed(bytes);
            throw new DataValidationException("text corpus " + path + " is not UTF-8: byte " + offset + " (0x"
                    + String.format(Locale.ROOT, "%02X", bytes[offset] & 0xFF) + ") does not decode");
        }
        return chars.toString().codePoints().toArray();
    }

    private static int firstMalformed(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }

    private static String printable(int c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) ? "" : "'" + new String(Character.toChars(c)) + "'";
    }

    /** @return the file */
    public String path() {
        return path;
    }

    /** @return the vocabulary: code points in id order (do not modify) */
    public int[] vocabulary() {
        return vocabulary;
    }

    /** @return distinct characters of the training part: the model's classes */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** @return characters in the training part */
    public int trainLength() {
        return trainLength;
    }

    /** @return characters in the validation part */
    public int validationLength() {
        return validationLength;
    }

    /**
     * @return the entropy of the training part's character frequencies, in bits: what a model that ignores
     *     context scores at best (on the training distribution), the bar a language model must clear
     */
    public double unigramBits() {
        return unigramBits;
    }

    /**
     * @param validation the validation part, else the training part
     * @param window characters per window
     * @return windows the part is cut into
     */
    public int windows(boolean validation, int window) {
        return ((validation ? validationLength : trainLength) - 1) / window;
    }

    /**
     * One partition's windows, read where its block is built.
     *
     * @param partition the partition
     * @param validation the validation part, else the training part
     * @param window characters per window
     * @param from the first window of the part
     * @param to the end window, exclusive
     * @return the source
     */
    public TextSlice slice(int partition, boolean validation, int window, int from, int to) {
        return new TextSlice(partition, path, vocabulary, (validation ? trainLength : 0) + from * window, window,
                to - from);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %,d training and %,d validation characters, vocabulary %d, unigram "
                + "entropy %.3f bits/char", path, trainLength, validationLength, vocabulary.length, unigramBits);
    }

    /**
     * Windows of a corpus: {@code count} windows of {@code window + 1} ids, the first starting at character
     * {@code start}, read and mapped to ids on the executor that builds the block.
     *
     * @param partition the partition (= block)
     * @param path the corpus file
     * @param vocabulary code points in id order
     * @param start the first window's first character
     * @param window characters per window
     * @param count windows
     */
    public record TextSlice(int partition, String path, int[] vocabulary, int start, int window, int count)
            implements BlockSource {

        private static final long serialVersionUID = 1L;

        @Override
        public FeatureBlock read() {
            int[] text;
            try {
                text = codePoints(path, new Configuration());
            } catch (IOException | DataValidationException e) {
                return failed(ExecutorName.current() + " cannot read the text: " + e.getMessage());
            }
            int dim = window + 1;
            float[] ids = new float[count * dim];
            for (int w = 0; w < count; w++) {
                for (int t = 0; t < dim; t++) {
                    int at = start + w * window + t;
                    int id = at < text.length ? Arrays.binarySearch(vocabulary, text[at]) : -1;
                    if (id < 0) {
                        return failed("text corpus " + path + " changed since it was read: character " + at
                                + (at < text.length ? " is not in the vocabulary" : " is past its end"));
                    }
                    ids[w * dim + t] = id;
                }
            }
            return new FeatureBlock(partition, count, dim, ids, new float[count], LabelKind.NEXT_TOKEN, null);
        }

        private FeatureBlock failed(String problem) {
            return new FeatureBlock(partition, 0, 0, new float[0], new float[0], LabelKind.NEXT_TOKEN, problem);
        }
    }
}
