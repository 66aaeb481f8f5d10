package org.adanspark.spark.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.adanspark.spark.run.RunPlan;

/** Settings for small, fast training runs on a slice of real MNIST. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A 4-partition MNIST slice (3000 train, 1000 test rows), a small MLP, Adan with warm-up + cosine,
     * global batch 512, 8 steps, 3 shards, in the {@code jobs} execution (4 partitions are more than
     * {@code local[2]}'s slots for the barrier execution, which BarrierExecutionTest runs on 2);
     * {@code overrides} (HOCON) on top.
     *
     * @param overrides extra settings, e.g. {@code "adan.train.allreduce = tree"}
     * @return the settings
     */
    public static RunPlan mnist(String overrides) {
        Config base = ConfigFactory.parseMap(Map.ofEntries(
                Map.entry("adan.data.source", "mnist"),
                Map.entry("adan.data.partitions", 4),
                Map.entry("adan.data.train-limit", 3000),
                Map.entry("adan.data.test-limit", 1000),
                Map.entry("adan.model.spec", "mlp:32:dropout=0.1"),
                Map.entry("adan.optimizer.shards", 3),
                Map.entry("adan.optimizer.max-grad-norm", 5.0),
                Map.entry("adan.schedule.kind", "warmup-cosine"),
                Map.entry("adan.schedule.warmup-steps", 2),
                Map.entry("adan.train.global-batch", 512),
                Map.entry("adan.train.micro-batch", 100),
                Map.entry("adan.train.max-steps", 8),
                Map.entry("adan.train.execution", "jobs"),
                Map.entry("adan.train.epochs", 2),
                Map.entry("adan.train.evaluate-every-epoch", false)));
        return RunPlan.from(ConfigFactory.parseString(overrides).withFallback(base));
    }
}
