package org.adanspark.spark.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session a test class shares (MLlib's {@code SharedSparkSession} pattern): {@code local[2]}
 * with up to 4 attempts per task, so injected task failures are retried as on a cluster.
 */
public final class SparkTestSession {

    private SparkTestSession() {
    }

    /** @return a new local session; stop it in {@code @AfterAll} */
    public static SparkSession start() {
        return SparkSession.builder()
                .master("local[2,4]")
                .appName("adan-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
