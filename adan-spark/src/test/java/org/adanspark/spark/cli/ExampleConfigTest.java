package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.train.TrainSettings;
import org.junit.jupiter.api.Test;

/** The example configuration shipped in conf/ is valid: every key known, every value in range. */
class ExampleConfigTest {

    @Test
    void confApplicationConfIsAValidRunConfiguration() {
        Path file = Path.of("..", "conf", "application.conf");
        assertEquals(true, Files.isRegularFile(file), file.toAbsolutePath().toString());
        TrainSettings s = TrainSettings.from(CommandLine.parse(new String[] {"--config", file.toString()}));
        assertEquals(16384, s.globalBatch());
        assertEquals(8, s.optimizer().shards());
        assertEquals("/tmp/adan-checkpoints/fashion-mlp", s.checkpointDir());
    }
}
