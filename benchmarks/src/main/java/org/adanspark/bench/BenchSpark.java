package org.adanspark.bench;

import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.run.RunPlan;
import org.adanspark.spark.run.SyncTrainer;
import org.adanspark.spark.run.TrainResult;
import org.apache.spark.sql.SparkSession;

/** What the Spark benchmarks share: the embedded session, Fashion-MNIST, and settings built from keys. */
final class BenchSpark {

    private BenchSpark() {
    }

    /**
     * @param appName the application name
     * @return an embedded {@code local[C]} session, C = this machine's cores, UI off
     */
    static SparkSession session(String appName) {
        return session(appName, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param appName the application name
     * @param cores the {@code local[N]} thread count, also the shuffle partitions
     * @return an embedded session on that many threads
     */
    static SparkSession session(String appName, int cores) {
        return SparkSession.builder().master("local[" + cores + "]").appName(appName)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", cores).getOrCreate();
    }

    /**
     * @param keys {@code adan.*} keys over reference.conf
     * @return validated settings; progress lines are silenced (the benchmarks print their own)
     */
    static RunPlan settings(Map<String, Object> keys) {
        Map<String, Object> all = new HashMap<>(keys);
        all.putIfAbsent("adan.train.progress-interval", "1h");
        return RunPlan.from(ConfigFactory.parseMap(all, "benchmark settings"));
    }

    /**
     * @param spark the session
     * @param trainLimit training rows to read, 0 for all 60,000
     * @param testLimit test rows to read, 0 for all 10,000
     * @return Fashion-MNIST in one block per core
     */
    static TrainTestData fashionMnist(SparkSession spark, int trainLimit, int testLimit) {
        RunPlan s = settings(Map.of("adan.data.source", "fashion-mnist", "adan.data.train-limit", trainLimit,
                "adan.data.test-limit", testLimit));
        return new DataLoader(spark, s.dataSettings(spark.sparkContext().defaultParallelism())).load(0);
    }

    /**
     * @param spark the session
     * @param data prepared data
     * @param settings the run's settings
     * @param listeners progress receivers
     * @return the trainer's result
     */
    static TrainResult train(SparkSession spark, TrainTestData data, RunPlan settings, TrainingListener... listeners) {
        return new SyncTrainer(spark, settings, List.of(listeners)).fit(data);
    }
}
