package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.adanspark.optim.OptimizerRegistry;
import org.adanspark.spark.cli.CommandLine;
import org.adanspark.spark.cli.Flag;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/**
 * Every front end of a setting agrees with its one declaration ({@link Settings}): reference.conf holds exactly the
 * declared keys, with values of the declared types that pass the declared checks; the flag table is the declared
 * flags; each AdanNet stage's params have the declared names, docs, validators and defaults.
 */
class SettingDeclarationsTest {

    @Test
    void referenceConfHoldsExactlyTheDeclaredKeysWithValuesOfTheirTypesThatPassTheirChecks() {
        Config reference = ConfigFactory.defaultReference(getClass().getClassLoader()).resolve();
        Set<String> inFile = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : reference.getConfig("adan").entrySet()) {
            String key = "adan." + e.getKey();
            if (!OptimizerSpec.isOptimizerKey(key)) {
                inFile.add(key);
            }
        }
        Set<String> declared = Settings.KEYED.stream().filter(s -> s != Settings.SPARK_CONF).map(Setting::key)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, inFile, "reference.conf's keys against Settings.KEYED");
        for (Setting s : Settings.KEYED) {
            Object value = s.read(reference); // throws naming the key when reference.conf's value is of another type
            assertNull(s.check().problem(value), s.key() + " = " + value + " fails its own check");
        }
    }

    @Test
    void theFlagTableIsTheDeclaredFlags() {
        List<Flag> keyed = CommandLine.FLAGS.stream().filter(f -> !f.key().isEmpty()).toList();
        assertEquals(Settings.FLAGGED.stream().map(Flag::of).toList(), keyed);
        for (Setting s : Settings.FLAGGED) {
            assertTrue(s.flag().startsWith("--"), s.key());
        }
    }

    @Test
    void everyStagesParamsAreTheDeclaredOnes() {
        List<Params> stages = List.of(new AdanNetClassifier(), new AdanNetRegressor(),
                new AdanNetClassifier().copy(new org.apache.spark.ml.param.ParamMap()));
        for (Params stage : stages) {
            AdanNetParams p = (AdanNetParams) stage;
            List<Setting> own = new ArrayList<>(Settings.ESTIMATOR);
            if (stage instanceof AdanNetRegressor) {
                own.addAll(Settings.REGRESSION);
            }
            for (Setting s : own) {
                Param<?> param = stage.getParam(s.param());
                assertEquals(p.adanNetParamSet().param(s), param, s.param());
                assertEquals(SettingParams.doc(s), param.doc(), s.param());
                assertTrue(param.doc().startsWith(s.help()), s.param());
                Object declared = s.defaultValue();
                if (declared == null) {
                    assertTrue(s.perOptimizer() && !stage.hasDefault(param), s.param() + " has no default");
                    continue;
                }
                Object actual = stage.getDefault(param).get();
                assertTrue(java.util.Objects.deepEquals(declared, actual), s.param() + ": default " + actual
                        + " against the declaration's " + declared);
                assertTrue(((scala.Function1<Object, Object>) (scala.Function1<?, ?>) param.isValid()).apply(actual)
                        .equals(Boolean.TRUE), s.param() + "'s default passes its validator");
                assertTrue(stage.explainParam(param).startsWith(s.param() + ": " + s.help()), stage.explainParam(param));
            }
        }
        assertEquals(OptimizerRegistry.names().size() * 2,
                Settings.optimizers().size(), "every optimizer and its lookahead- wrapper");
    }
}
