package org.adanspark.spark.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** The {@code adan} section of reference.conf, read once: the defaults the ML stages share with the CLI. */
final class ReferenceDefaults {

    private static final Config ADAN = ConfigFactory.defaultReference(ReferenceDefaults.class.getClassLoader())
            .getConfig("adan");

    private ReferenceDefaults() {
    }

    /** @return {@code adan.*} */
    static Config adan() {
        return ADAN;
    }
}
