package org.adanspark.spark.barrier;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.io.OptimizerCheckpoint;
import org.adanspark.optim.ShardStatistics;

/**
 * The scalar part of a {@link Message}: numbers, strings, shard statistics and checkpoint shard-file
 * entries, written and read back in
 * the same order. Doubles travel as their exact bits, so every task combines the same values.
 */
final class Scalars {

    private Scalars() {
    }

    /** Writes scalars in order. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer putDouble(double v) {
            return run(() -> out.writeDouble(v));
        }

        Writer putLong(long v) {
            return run(() -> out.writeLong(v));
        }

        Writer putInt(int v) {
            return run(() -> out.writeInt(v));
        }

        Writer putBoolean(boolean v) {
            return run(() -> out.writeBoolean(v));
        }

        Writer putString(String v) {
            return run(() -> out.writeUTF(v));
        }

        /** Writes a count, then each statistic: shard, step, per-kind per-segment sums, first non-finite. */
        Writer putStatistics(ShardStatistics[] stats) {
            return run(() -> {
                out.writeInt(stats.length);
                for (ShardStatistics s : stats) {
                    out.writeInt(s.shard());
                    out.writeLong(s.step());
                    out.writeInt(s.kinds());
                    for (int k = 0; k < s.kinds(); k++) {
                        double[] values = s.perSegment(k);
                        out.writeInt(values.length);
                        for (double v : values) {
                            out.writeDouble(v);
                        }
                    }
                    out.writeInt(s.firstNonFinite());
                    out.writeDouble(s.firstNonFiniteValue());
                }
            });
        }

        /** Writes a count, then each checkpoint shard file's manifest entry. */
        Writer putShardFiles(List<OptimizerCheckpoint.ShardFile> files) {
            putInt(files.size());
            for (OptimizerCheckpoint.ShardFile f : files) {
                putInt(f.index()).putInt(f.offset()).putInt(f.length()).putString(f.file()).putLong(f.bytes())
                        .putString(f.sha256());
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private Writer run(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
            return this;
        }
    }

    /** Reads scalars in the order they were written. */
    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] bytes) {
            this.in = new DataInputStream(new ByteArrayInputStream(bytes));
        }

        double getDouble() {
            return get(in::readDouble);
        }

        long getLong() {
            return get(in::readLong);
        }

        int getInt() {
            return get(in::readInt);
        }

        boolean getBoolean() {
            return get(in::readBoolean);
        }

        String getString() {
            return get(in::readUTF);
        }

        ShardStatistics[] getStatistics() {
            return get(() -> {
                ShardStatistics[] stats = new ShardStatistics[in.readInt()];
                for (int i = 0; i < stats.length; i++) {
                    int shard = in.readInt();
                    long step = in.readLong();
                    double[][] perSegment = new double[in.readInt()][];
                    for (int k = 0; k < perSegment.length; k++) {
                        perSegment[k] = new double[in.readInt()];
                        for (int j = 0; j < perSegment[k].length; j++) {
                            perSegment[k][j] = in.readDouble();
                        }
                    }
                    stats[i] = new ShardStatistics(shard, step, perSegment, in.readInt(), in.readDouble());
                }
                return stats;
            });
        }

        List<OptimizerCheckpoint.ShardFile> getShardFiles() {
            List<OptimizerCheckpoint.ShardFile> files = new ArrayList<>();
            for (int n = getInt(); n > 0; n--) {
                files.add(new OptimizerCheckpoint.ShardFile(getInt(), getInt(), getInt(), getString(), getLong(),
                        getString()));
            }
            return files;
        }

        private static <T> T get(IoSupplier<T> read) {
            try {
                return read.get();
            } catch (IOException e) {
                throw new IllegalArgumentException("a message's scalars end early: " + e, e);
            }
        }
    }

    static Writer writer() {
        return new Writer();
    }

    static Reader reader(byte[] bytes) {
        return new Reader(bytes);
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }
}
