package org.adanspark.spark.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.adanspark.io.OptimizerCheckpoint;
import org.adanspark.optim.ShardStatistics;
import org.adanspark.spark.step.PartialSum;
import org.adanspark.spark.step.StepReport;
import org.junit.jupiter.api.Test;

/** Every barrier payload comes back from the wire as it was sent, and is read only as its own kind. */
class PayloadTest {

    private static final long RUN = 0x5eedL;
    private static final int ATTEMPT = 2;

    /** Through the wire format: encoded as a sender does, decoded as a receiver does. */
    private static Message wire(Payload p, long step, int from, float... floats) {
        Message sent = p.message(step, from, floats);
        ByteBuffer encoded = sent.encode(RUN, ATTEMPT);
        byte[] bytes = new byte[encoded.remaining()]; // what the network module hands the receiver
        encoded.get(bytes);
        Message received = Message.decode(ByteBuffer.wrap(bytes), RUN, ATTEMPT);
        assertEquals(p.kind(), received.kind());
        assertEquals(step, received.step());
        assertEquals(from, received.from());
        assertArrayEquals(floats, received.floats());
        return received;
    }

    private static ShardStatistics[] statistics() {
        return new ShardStatistics[] {
            new ShardStatistics(3, 7, new double[][] {{1.5, -2.25}, {0.0}}, -1, Double.NaN),
            new ShardStatistics(4, 7, new double[][] {{Double.MIN_VALUE}}, 12, Double.POSITIVE_INFINITY)};
    }

    private static void assertSameStatistics(ShardStatistics[] expected, ShardStatistics[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].shard(), actual[i].shard());
            assertEquals(expected[i].step(), actual[i].step());
            assertEquals(expected[i].kinds(), actual[i].kinds());
            for (int k = 0; k < expected[i].kinds(); k++) {
                assertArrayEquals(expected[i].perSegment(k), actual[i].perSegment(k));
            }
            assertEquals(expected[i].firstNonFinite(), actual[i].firstNonFinite());
            assertEquals(expected[i].firstNonFiniteValue(), actual[i].firstNonFiniteValue());
        }
    }

    @Test
    void aGradientsScalarsTravelWithItsSliceAndMakeThePartialSum() {
        Payload.Partition p = Payload.Partition.of(new PartialSum(1, new float[] {9}, 12.5, 4096, 77_000_000L));
        PartialSum back = Payload.Partition.sumOf(wire(p, 5, 1, 0.25f, -1f));
        assertEquals(1, back.key());
        assertArrayEquals(new float[] {0.25f, -1f}, back.values());
        assertEquals(12.5, back.lossSum());
        assertEquals(4096, back.examples());
        assertEquals(77_000_000L, back.computeNanos());
    }

    @Test
    void statisticsAndRefinementsComeBackWhole() {
        Payload.Statistics s = new Payload.Statistics(new Payload.Partition(3.0, 2048, 5), statistics());
        Payload.Statistics back = Payload.Statistics.read(wire(s, 9, 0));
        assertEquals(s.partition(), back.partition());
        assertSameStatistics(s.shards(), back.shards());
        assertSameStatistics(statistics(), Payload.Refinement.read(wire(new Payload.Refinement(statistics()), 9, 1))
                .shards());
    }

    @Test
    void theDriversReportsComeBackAsSent() {
        Payload.Step step = new Payload.Step(new StepReport(0.4816, 4096, true, 1e-2, 12.5, 3.25, 0.5, 0.75, 17.0, 0, 0));
        assertEquals(step, Payload.Step.read(wire(step, 44, 0)));
        Payload.Restart restart = new Payload.Restart(2, "file:/tmp/ck/step-000000012");
        assertEquals(restart, Payload.Restart.read(wire(restart, 12, 0)));
        Payload.Checkpoint checkpoint = new Payload.Checkpoint("hdfs://nn/ck/step-000000010", false, 123);
        assertEquals(checkpoint, Payload.Checkpoint.read(wire(checkpoint, 10, 0)));
        Payload.Fatal fatal = new Payload.Fatal("step 3: the loss is NaN (non-finite policy FAIL)");
        assertEquals(fatal, Payload.Fatal.read(wire(fatal, 3, 0)));
        double[] sums = {812, -402.5, 1000, 790, -420.25, 1000};
        assertArrayEquals(sums, Payload.Evaluation.read(wire(new Payload.Evaluation(sums), 15, 1)).sums());
        List<OptimizerCheckpoint.ShardFile> files = List.of(
                new OptimizerCheckpoint.ShardFile(2, 100, 50, "shard-00002.bin", 840, "ab".repeat(32)));
        assertEquals(files, Payload.ShardFiles.read(wire(new Payload.ShardFiles(files), 10, 1)).files());
    }

    @Test
    void aPayloadIsReadOnlyFromItsOwnKind() {
        Message step = new Payload.Step(new StepReport(1, 1, false, 1, 1, 1, 1, 1, 1, 0, 0)).message(0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Payload.Checkpoint.read(step));
        assertTrue(e.getMessage().startsWith("expected a CHECKPOINT message, got "), e.getMessage());
    }
}
