package org.adanspark.spark.ml;

import org.apache.spark.ml.util.Identifiable$;

/**
 * Hands a stage its uid before Spark's Scala constructors ask for it.
 *
 * <p>Spark's shared params ({@code featuresCol}, {@code predictionCol}, …) are created inside the Scala
 * superclass constructors with {@code this.uid} as their parent, before a Java subclass's constructor body
 * can store a uid. A Scala subclass avoids this with a constructor {@code val}; a Java one cannot. So a
 * constructor taking a uid first {@linkplain #stash stashes} it on its thread, and the stage's
 * {@code uid()} {@linkplain #take takes} it on the first call, which Spark makes during construction
 * (each constructor also calls {@code uid()} itself, so nothing is ever left stashed).
 */
final class StageUid {

    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    /** Proof that {@link #stash} ran, the argument of a stage's private constructor. */
    static final class Stashed {
        private Stashed() {
        }
    }

    private static final Stashed STASHED = new Stashed();

    private StageUid() {
    }

    /**
     * @param uid the uid the stage being constructed on this thread will have, or null for a fresh one
     * @return a token for the private constructor
     */
    static Stashed stash(String uid) {
        PENDING.set(uid);
        return STASHED;
    }

    /**
     * @param prefix the prefix of a fresh uid
     * @return the stashed uid, or a fresh random one; either way nothing is left stashed
     */
    static String take(String prefix) {
        String uid = PENDING.get();
        PENDING.remove();
        return uid != null ? uid : Identifiable$.MODULE$.randomUID(prefix);
    }
}
