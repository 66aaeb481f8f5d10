package org.adanspark.spark.ml;

import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/** The params of the AdanNet regressor and its model: everything of {@link AdanNetParams}, plus the loss. */
public interface AdanNetRegressionParams extends AdanNetParams {

    /** @return {@code squaredError} or {@code huber} */
    default Param<String> loss() {
        return adanNetParamSet().loss;
    }

    /** @return Huber's δ */
    default DoubleParam huberDelta() {
        return adanNetParamSet().huberDelta;
    }

    /** @return {@code squaredError} or {@code huber} */
    default String getLoss() {
        return getOrDefault(loss());
    }

    /** @return Huber's δ */
    default double getHuberDelta() {
        return (Double) getOrDefault(huberDelta());
    }

    /** Sets the loss params' declared defaults ({@link Settings#REGRESSION}: squared error, δ = 1 for Huber). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    default void setRegressionDefaults() {
        for (Setting s : Settings.REGRESSION) {
            setDefault((Param) adanNetParamSet().param(s), s.defaultValue());
        }
    }
}
