package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.run.RunPlan;
import org.adanspark.spark.step.LearningRateSchedule;
import org.junit.jupiter.api.Test;

/** The example configuration shipped in conf/ is valid: every key known, every value in range. */
class ExampleConfigTest {

    @Test
    void confApplicationConfIsAValidRunConfiguration() {
        Path file = Path.of("..", "conf", "application.conf");
        assertEquals(true, Files.isRegularFile(file), file.toAbsolutePath().toString());
        RunPlan s = RunPlan.from(CommandLine.parse(new String[] {"--config", file.toString()}));
        assertEquals(16384, s.globalBatch());
        assertEquals(8, s.optimizer().shards());
        assertEquals("adan-runs/fashion-mlp/checkpoints", s.checkpointDir(), "not a directory shared under /tmp");
    }

    @Test
    void theReadmesShortRunOfTheExampleStillLeavesItsWarmUpAndReachesThePeakRate() {
        // README: bin/adan-train --config conf/application.conf --epochs 5, on Fashion-MNIST's 60,000 rows
        Path file = Path.of("..", "conf", "application.conf");
        RunPlan s = RunPlan.from(CommandLine.parse(new String[] {"--config", file.toString(), "--epochs", "5"}));
        long steps = 5L * ((60_000 + s.globalBatch() - 1) / s.globalBatch());
        assertTrue(s.warmupSteps() < steps / 2, s.warmupSteps() + " warm-up steps of " + steps);
        LearningRateSchedule schedule = s.schedule(steps);
        assertEquals(s.optimizer().lr(), schedule.at(s.warmupSteps()), 1e-12 * s.optimizer().lr(),
                "the peak learning rate is reached right after the warm-up");
    }
}
