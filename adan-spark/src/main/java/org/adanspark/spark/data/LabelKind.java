package org.adanspark.spark.data;

/** What a label column holds, which decides how rows are checked and how a label becomes a training target. */
public enum LabelKind {

    /** A class index 0, 1, …, stored as a number (as {@code StringIndexer} writes it); trained one-hot. */
    CLASS_INDEX,

    /** A real-valued regression target; trained as is. */
    REAL,

    /**
     * No label column: each row is a window of {@code T + 1} token ids, and the target at position
     * {@code t < T} is the token at {@code t + 1} (a language model's next-token prediction), trained
     * one-hot per position.
     */
    NEXT_TOKEN
}
