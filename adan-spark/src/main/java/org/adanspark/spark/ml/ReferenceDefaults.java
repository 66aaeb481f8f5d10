package org.adanspark.spark.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.adanspark.spark.config.OptimizerSpec;

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

    /**
     * @param name an optimizer name, possibly {@code lookahead-X}
     * @return {@code adan.optimizer.<base name>}
     */
    static Config optimizer(String name) {
        return ADAN.getConfig("optimizer." + OptimizerSpec.baseName(name));
    }
}
