package org.adanspark.spark.barrier;

import java.nio.ByteBuffer;

/**
 * One message of the barrier execution's data plane (docs/ARCHITECTURE.md, "The barrier execution"):
 * what it is ({@link Kind}), which step it belongs to, who sent it, a few bytes of scalars, and optionally
 * a float vector (a gradient or parameter slice). On the wire it is
 * <pre>
 *   int32 magic "ADAN" · int64 run · int32 stage attempt · int64 step · int8 kind · int32 sender
 *   int32 scalar bytes · scalar bytes · int32 floats · floats (little-endian)
 * </pre>
 * The run and stage attempt scope it: a receiver refuses a message of another run or attempt.
 *
 * @param kind what the message carries
 * @param step the global step it belongs to (0-based), or the steps done for events after a step
 * @param from the sending task's rank, or {@link #DRIVER}
 * @param scalars small values in the layout of the kind's {@link Payload} record ({@link Scalars})
 * @param floats a gradient or parameter slice, or an empty array
 */
record Message(Kind kind, long step, int from, byte[] scalars, float[] floats) {

    /** The sender rank of the driver. */
    static final int DRIVER = -1;
    private static final int MAGIC = 0x4144414E;
    private static final int HEADER = 4 + 8 + 4 + 8 + 1 + 4 + 4;

    /** What a message carries; tasks exchange the first five, task 0 and every task report the rest to the driver. */
    enum Kind {
        /** A task's gradient sum over the receiver's slice, with its partition's loss, examples and compute time. */
        GRADIENT,
        /** A task's partition scalars and its shards' statistics (phase 1 of the optimizer protocol). */
        STATISTICS,
        /** A task's shards' second-round statistics, for optimizers that refine (LAMB). */
        REFINEMENT,
        /** An owner's updated parameter slice. */
        PARAMETERS,
        /** An owner's slice of the model EMA's weights, gathered for an evaluation or the saved model. */
        AVERAGE,
        /** A task's shard files of a checkpoint, written: their manifest entries. */
        SHARD_FILES,
        /** A task has sent everything it will send: the last message on each connection to a peer. */
        DONE,
        /** Task 0 to the driver: a restarted stage attempt, and the step it resumes at. */
        RESTART,
        /** Task 0 to the driver: one step's metrics. */
        STEP,
        /** Every task to the driver: its test partition's evaluation sums. */
        EVALUATION,
        /** Task 0 to the driver: a checkpoint committed. */
        CHECKPOINT,
        /** Task 0 to the driver: the run cannot go on (a non-finite loss or gradient under the fail policy). */
        FATAL,
        /**
         * The last message on a connection, sent as a request: its answer means every message sent before
         * it on that connection has been delivered. Never delivered itself.
         */
        FLUSH
    }

    /**
     * @return the message as one buffer, ready to send
     * @param run the run's identifier
     * @param stageAttempt the barrier stage's attempt
     */
    ByteBuffer encode(long run, int stageAttempt) {
        ByteBuffer buf = ByteBuffer.allocate(encodedBytes());
        buf.putInt(MAGIC).putLong(run).putInt(stageAttempt).putLong(step).put((byte) kind.ordinal()).putInt(from)
                .putInt(scalars.length).put(scalars).putInt(floats.length);
        buf.order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(floats);
        buf.position(buf.capacity());
        buf.flip();
        return buf;
    }

    /** @return the message's size on the wire */
    int encodedBytes() {
        return HEADER + scalars.length + 4 + 4 * floats.length;
    }

    /**
     * Reads a message, checking its scope.
     *
     * @param buf the received bytes (read, not kept)
     * @param run the run the receiver belongs to
     * @param stageAttempt the receiver's stage attempt, or -1 to accept any (the driver)
     * @return the message
     * @throws IllegalArgumentException naming what is wrong, for bytes that are not a message of this run
     *     and attempt
     */
    static Message decode(ByteBuffer buf, long run, int stageAttempt) {
        if (buf.remaining() < HEADER) {
            throw new IllegalArgumentException("a message of " + buf.remaining() + " bytes is shorter than a header");
        }
        int magic = buf.getInt();
        long theirRun = buf.getLong();
        int theirAttempt = buf.getInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("magic %08x is not an adan-spark message", magic));
        }
        if (theirRun != run || (stageAttempt >= 0 && theirAttempt != stageAttempt)) {
            throw new IllegalArgumentException("a message of run " + Long.toHexString(theirRun) + " attempt " + theirAttempt
                    + " reached run " + Long.toHexString(run) + " attempt " + stageAttempt);
        }
        long step = buf.getLong();
        int kind = buf.get();
        int from = buf.getInt();
        if (kind < 0 || kind >= Kind.values().length) {
            throw new IllegalArgumentException("unknown message kind " + kind);
        }
        byte[] scalars = new byte[buf.getInt()];
        buf.get(scalars);
        float[] floats = new float[buf.getInt()];
        if (buf.remaining() != 4L * floats.length) {
            throw new IllegalArgumentException("a message announcing " + floats.length + " floats carries "
                    + buf.remaining() + " bytes");
        }
        buf.order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        return new Message(Kind.values()[kind], step, from, scalars, floats);
    }

    /** @return a short description for logs */
    @Override
    public String toString() {
        return kind + "[step " + step + " from " + from + ", " + scalars.length + " B, " + floats.length + " floats]";
    }
}
