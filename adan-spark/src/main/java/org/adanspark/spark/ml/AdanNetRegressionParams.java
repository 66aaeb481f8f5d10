package org.adanspark.spark.ml;

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

    /** Sets the loss defaults: squared error, δ = 1 for Huber. */
    default void setRegressionDefaults() {
        setDefault(loss(), "squaredError");
        setDefault(huberDelta(), 1.0);
    }
}
