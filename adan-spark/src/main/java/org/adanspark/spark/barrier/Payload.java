package org.adanspark.spark.barrier;

import java.util.List;
import java.util.Objects;
import org.adanspark.io.OptimizerCheckpoint;
import org.adanspark.optim.ShardStatistics;
import org.adanspark.spark.step.PartialSum;
import org.adanspark.spark.step.StepReport;

/**
 * The scalars a barrier message carries, one record per message kind: the record writes them and reads
 * them back, so what a sender puts and a receiver gets are one definition, and a field added, dropped or
 * moved changes both sides at once. {@link Message} is the frame (kind, step, sender, scalars, floats);
 * {@code PayloadTest} round-trips every record. See docs/ARCHITECTURE.md, "The barrier execution".
 */
sealed interface Payload {

    /** @return the message kind this payload travels as */
    Message.Kind kind();

    /**
     * Writes this payload's fields, in the order its reader reads them.
     *
     * @param w the writer
     */
    void write(Scalars.Writer w);

    /**
     * @param step the message's step
     * @param from the sender's rank
     * @return the message carrying this payload and no floats
     */
    default Message message(long step, int from) {
        return message(step, from, new float[0]);
    }

    /**
     * @param step the message's step
     * @param from the sender's rank
     * @param floats the floats the message carries beside the payload
     * @return the message
     */
    default Message message(long step, int from, float[] floats) {
        Scalars.Writer w = Scalars.writer();
        write(w);
        return new Message(kind(), step, from, w.bytes(), floats);
    }

    /** The reader of {@code m}'s scalars, after checking that {@code m} is of {@code kind}. */
    private static Scalars.Reader reader(Message m, Message.Kind kind) {
        if (m.kind() != kind) {
            throw new IllegalArgumentException("expected a " + kind + " message, got " + m);
        }
        return Scalars.reader(m.scalars());
    }

    /**
     * A task's partition scalars for a step: its loss sum, examples and compute time (GRADIENT, whose floats
     * are the gradient's slice for the receiver).
     *
     * @param lossSum the partition's summed loss
     * @param examples its examples in the step
     * @param computeNanos its gradient's compute time
     */
    record Partition(double lossSum, long examples, long computeNanos) implements Payload {

        /** @param sum a task's gradient sum: its scalars */
        static Partition of(PartialSum sum) {
            return new Partition(sum.lossSum(), sum.examples(), sum.computeNanos());
        }

        @Override
        public Message.Kind kind() {
            return Message.Kind.GRADIENT;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putDouble(lossSum).putLong(examples).putLong(computeNanos);
        }

        /** @return the partial sum of {@code m}: its sender's partition, these scalars and the floats */
        static PartialSum sumOf(Message m) {
            Partition p = read(reader(m, Message.Kind.GRADIENT));
            return p.sum(m.from(), m.floats());
        }

        /**
         * @param partition the sender's rank
         * @param values the gradient slice
         * @return the partial sum these scalars describe
         */
        PartialSum sum(int partition, float[] values) {
            return new PartialSum(partition, values, lossSum, examples, computeNanos);
        }

        private static Partition read(Scalars.Reader r) {
            return new Partition(r.getDouble(), r.getLong(), r.getLong());
        }
    }

    /**
     * A task's partition scalars and its shards' screening statistics (STATISTICS, phase 1 of the optimizer
     * protocol, to every task).
     *
     * @param partition the partition's scalars
     * @param shards the statistics of the sender's shards
     */
    record Statistics(Partition partition, ShardStatistics[] shards) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.STATISTICS;
        }

        @Override
        public void write(Scalars.Writer w) {
            partition.write(w);
            w.putStatistics(shards);
        }

        static Statistics read(Message m) {
            Scalars.Reader r = reader(m, Message.Kind.STATISTICS);
            return new Statistics(Partition.read(r), r.getStatistics());
        }
    }

    /**
     * A task's shards' second-round statistics (REFINEMENT, for optimizers that refine).
     *
     * @param shards the statistics of the sender's shards
     */
    record Refinement(ShardStatistics[] shards) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.REFINEMENT;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putStatistics(shards);
        }

        static Refinement read(Message m) {
            return new Refinement(reader(m, Message.Kind.REFINEMENT).getStatistics());
        }
    }

    /**
     * A task's shard files of a checkpoint, written (SHARD_FILES, to task 0).
     *
     * @param files their manifest entries
     */
    record ShardFiles(List<OptimizerCheckpoint.ShardFile> files) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.SHARD_FILES;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putShardFiles(files);
        }

        static ShardFiles read(Message m) {
            return new ShardFiles(reader(m, Message.Kind.SHARD_FILES).getShardFiles());
        }
    }

    /**
     * Task 0 to the driver: the stage was restarted (RESTART).
     *
     * @param attempt the stage attempt, from 0
     * @param resumesFrom the checkpoint it resumes from, or a description of the start
     */
    record Restart(int attempt, String resumesFrom) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.RESTART;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putInt(attempt).putString(resumesFrom);
        }

        static Restart read(Message m) {
            Scalars.Reader r = reader(m, Message.Kind.RESTART);
            return new Restart(r.getInt(), r.getString());
        }
    }

    /**
     * Task 0 to the driver: one step's report (STEP); the driver adds the bytes it received.
     *
     * @param report the step's report, as task 0 measured it
     */
    record Step(StepReport report) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.STEP;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putDouble(report.loss()).putLong(report.examples()).putBoolean(report.skipped()).putDouble(report.lr())
                    .putDouble(report.computeMs()).putDouble(report.reduceMs()).putDouble(report.updateMs())
                    .putDouble(report.syncMs()).putDouble(report.stepMs());
        }

        static Step read(Message m) {
            Scalars.Reader r = reader(m, Message.Kind.STEP);
            return new Step(new StepReport(r.getDouble(), r.getLong(), r.getBoolean(), r.getDouble(), r.getDouble(),
                    r.getDouble(), r.getDouble(), r.getDouble(), r.getDouble(), 0, 0));
        }
    }

    /**
     * Every task to the driver: its test partition's evaluation sums (EVALUATION).
     *
     * @param sums θ's three sums ({@code Evaluator.sums}), then the model EMA's three when the run keeps one
     */
    record Evaluation(double[] sums) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.EVALUATION;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putInt(sums.length);
            for (double v : sums) {
                w.putDouble(v);
            }
        }

        static Evaluation read(Message m) {
            Scalars.Reader r = reader(m, Message.Kind.EVALUATION);
            double[] sums = new double[r.getInt()];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = r.getDouble();
            }
            return new Evaluation(sums);
        }
    }

    /**
     * Task 0 to the driver: a checkpoint is committed (CHECKPOINT).
     *
     * @param location where
     * @param written false when a valid checkpoint of that step was already there and kept
     * @param millis how long it took
     */
    record Checkpoint(String location, boolean written, long millis) implements Payload {

        @Override
        public Message.Kind kind() {
            return Message.Kind.CHECKPOINT;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putString(location).putBoolean(written).putLong(millis);
        }

        static Checkpoint read(Message m) {
            Scalars.Reader r = reader(m, Message.Kind.CHECKPOINT);
            return new Checkpoint(r.getString(), r.getBoolean(), r.getLong());
        }
    }

    /**
     * Task 0 to the driver: why the run stops (FATAL).
     *
     * @param reason the one line the run ends with
     */
    record Fatal(String reason) implements Payload {

        public Fatal {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Message.Kind kind() {
            return Message.Kind.FATAL;
        }

        @Override
        public void write(Scalars.Writer w) {
            w.putString(reason);
        }

        static Fatal read(Message m) {
            return new Fatal(reader(m, Message.Kind.FATAL).getString());
        }
    }
}
