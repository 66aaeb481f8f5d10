package org.adanspark.spark.ml;

import java.io.Serializable;
import org.adanspark.spark.config.Check;
import org.adanspark.spark.config.Setting;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * Spark ML params made from the settings' one declaration ({@link Setting}): the param's name is the setting's,
 * its doc the setting's help line with what it accepts, its validator the setting's {@link Check}, whose message it throws. Only plain
 * param types (numbers, strings, booleans and their arrays), as Spark Connect carries them.
 */
final class SettingParams {

    private SettingParams() {
    }

    /**
     * @param owner the stage
     * @param s a setting an estimator has a param of
     * @return its param
     */
    static Param<?> create(Params owner, Setting s) {
        String name = s.param();
        String doc = doc(s);
        Validator<Object> v = new Validator<>(owner.uid(), s);
        return switch (s.type()) {
            case INT -> new IntParam(owner, name, doc, cast(v));
            case LONG -> new LongParam(owner, name, doc, cast(v));
            case DOUBLE -> new DoubleParam(owner, name, doc, cast(v));
            case BOOLEAN -> new BooleanParam(owner, name, doc);
            case STRING -> new Param<String>(owner, name, doc, cast(v));
            case INT_ARRAY -> new IntArrayParam(owner, name, doc, cast(v));
            case DOUBLE_ARRAY -> new DoubleArrayParam(owner, name, doc, cast(v));
            default -> throw new IllegalArgumentException("setting " + name + " of type " + s.type()
                    + " has no Spark ML param type");
        };
    }

    /**
     * @param s a setting
     * @return its param's doc: the help line, and what values it accepts when the check says more than its type
     */
    static String doc(Setting s) {
        String accepts = s.check().describe();
        return accepts.isEmpty() ? s.help() : s.help() + " (" + accepts + ")";
    }

    @SuppressWarnings("unchecked")
    private static <T> scala.Function1<T, Object> cast(Validator<Object> v) {
        return (scala.Function1<T, Object>) (scala.Function1<?, Object>) v;
    }

    /**
     * A setting's check as a Spark ML validator. It refuses a value with the check's own message, naming the
     * stage, the param and the value ({@code adanNetClassifier_…: param learningRate must be > 0, got -1.0}),
     * rather than returning false for Spark's "given invalid value": PySpark and Spark Connect show that line.
     */
    private static final class Validator<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 2L;
        private final String uid;
        private final Setting setting;

        Validator(String uid, Setting setting) {
            this.uid = uid;
            this.setting = setting;
        }

        @Override
        public Object apply(T value) {
            setting.validate(s -> uid + ": " + s.asParam(), value);
            return true;
        }
    }
}
