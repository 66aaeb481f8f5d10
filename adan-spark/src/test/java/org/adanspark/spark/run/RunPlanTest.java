package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.optim.Adan;
import org.adanspark.optim.Lookahead;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerRegistry;
import org.adanspark.optim.Sgd;
import org.adanspark.spark.cli.CommandLine;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration precedence, flag mapping, and refusal of unknown keys and bad values by name. */
class RunPlanTest {

    @TempDir
    Path tmp;

    private static RunPlan settings(String hocon) {
        return RunPlan.from(ConfigFactory.parseString(hocon));
    }

    @Test
    void defaultsComeFromReferenceConf() {
        RunPlan s = settings("");
        assertEquals("fashion-mnist", s.data().toString());
        assertEquals(4096, s.globalBatch());
        assertEquals("adan", s.optimizer().name());
        assertEquals(0.01, s.optimizer().lr());
        assertEquals(ReduceMode.SHARDED, s.allReduce());
        Optimizer adan = s.optimizer().build();
        assertEquals(0.02, (Double) adan.hyperparameters().get("weight_decay"), 0.0, adan.hyperparameters().toString());
        assertSame(adan, s.optimizer().build(), "built once per run: the schedule's rate comes with each step");
    }

    @Test
    void flagsOverrideTheFileWhichOverridesReferenceConf() throws IOException {
        Path file = tmp.resolve("run.conf");
        Files.writeString(file, "adan.train { global-batch = 8192, epochs = 7 }\nadan.optimizer.name = lamb\n");
        Config user = CommandLine.parse(new String[] {"--config", file.toString(), "--global-batch", "16384",
            "--lr", "0.02", "--resume", "--checkpoint-dir", "/tmp/x", "--conf", "adan.schedule.kind=warmup-linear"});
        RunPlan s = RunPlan.from(user);
        assertEquals(16384, s.globalBatch());
        assertEquals(7, s.epochs());
        assertEquals("lamb", s.optimizer().name());
        assertEquals(0.02, s.optimizer().lr(), "--lr sets the chosen optimizer's learning rate");
        assertTrue(s.resume());
        assertEquals("/tmp/x", s.checkpointDir());
    }

    @Test
    void lookaheadWrapsTheNamedOptimizerWithItsSettings() {
        RunPlan s = RunPlan.from(CommandLine.parse(new String[] {"--optimizer", "lookahead-adan", "--lr", "0.05"}));
        Optimizer o = s.optimizer().build();
        assertTrue(o instanceof Lookahead, o.toString());
        assertEquals("lookahead-adan", o.name());
        assertEquals(0.05, s.optimizer().lr());
    }

    @Test
    void everyOptimizerOfAdanCoreIsSelectableByName() {
        for (String name : OptimizerSpec.NAMES) {
            Optimizer o = settings("adan.optimizer.name = " + name).optimizer().build();
            assertEquals(name, o.name());
        }
    }

    /**
     * Two sets of defaults, each declared once: a run that names an optimizer and nothing else, from the command
     * line or from an estimator, trains with the trainer's recipe (reference.conf's section over the library's
     * defaults), and the library's defaults stay the reference implementations'. The recipe's values are
     * written out here: they are what every documented fingerprint trained with.
     */
    @Test
    void aRunsOptimizerDefaultsAreTheTrainersRecipeOverTheLibrarysDefaults() {
        for (String name : OptimizerSpec.NAMES) {
            Optimizer recipe = OptimizerRegistry.create(name, OptimizerSpec.recipe(name));
            assertEquals(recipe, settings("adan.optimizer.name = " + name).optimizer().build(), name);
            assertEquals(recipe, RunPlan.forEstimator("clf_1", Map.of(Settings.OPTIMIZER.key(), name)).optimizer().build(),
                    name);
        }
        assertEquals(Adan.builder().lr(0.01).weightDecay(0.02).build(), settings("").optimizer().build(),
                "Adan at large batch: the paper's weight decay and 10x the official lr");
        assertEquals(Adan.builder().build().lr() * 10, OptimizerSpec.defaultLr("adan"));
        assertEquals(0.002, OptimizerSpec.defaultLr("lookahead-adamw"));
        assertEquals(0.01, OptimizerSpec.defaultWeightDecay("adamw"), "AdamW's decay is torch's, not the recipe's");
        assertEquals(Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).build(),
                settings("adan.optimizer.name = sgd").optimizer().build());
        assertEquals(Sgd.builder().lr(0.1).momentum(0.5).nesterov(true).build(),
                settings("adan.optimizer { name = sgd, sgd.momentum = 0.5 }").optimizer().build(),
                "a run's section is read over the recipe");
        Config reference = ConfigFactory.defaultReference(getClass().getClassLoader());
        assertEquals(OptimizerRegistry.MAX_GRAD_NORM.defaultValue(), reference.getDouble(Settings.MAX_GRAD_NORM.key()));
        assertEquals(OptimizerRegistry.NON_FINITE.defaultValue().name(),
                reference.getString(Settings.NON_FINITE.key()).toUpperCase(Locale.ROOT));
        assertEquals(ModelEma.DECAY.defaultValue(), reference.getDouble(Settings.EMA_DECAY.key()));
    }

    @Test
    void anUnknownOrWronglyTypedKeyInAnOptimizersSectionIsRefusedByName() {
        assertMessage("adan.optimizer.adan.weight-decy = 0.1", "unknown configuration key adan.optimizer.adan.weight-decy");
        assertMessage("adan.optimizer.adamw.momentum = 0.9", "unknown configuration key adan.optimizer.adamw.momentum");
        assertMessage("adan.optimizer.lookahead.kk = 3", "unknown configuration key adan.optimizer.lookahead.kk");
        assertMessage("adan.optimizer.adan.lr = fast", "adan.optimizer.adan.lr must be a number, got \"fast\"");
        assertMessage("adan.optimizer.adan.no-prox = 3", "adan.optimizer.adan.no-prox must be true or false, got 3");
        assertMessage("adan.optimizer { name = lookahead-sgd, lookahead.k = 0 }", "k must be >= 1, got 0");
        assertEquals(3, settings("adan.optimizer { name = lookahead-sgd, lookahead.k = 3 }").optimizer().build()
                .hyperparameters().get(Lookahead.K.key()));
    }

    @Test
    void anUnknownKeyIsRefusedByName() throws IOException {
        Path file = tmp.resolve("typo.conf");
        Files.writeString(file, "adan.train.glbal-batch = 4096\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunPlan.from(CommandLine.parse(new String[] {"--config", file.toString()})));
        assertTrue(e.getMessage().contains("adan.train.glbal-batch"), e.getMessage());
        assertTrue(e.getMessage().contains("typo.conf"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedByKeyAndValue() {
        assertMessage("adan.train.global-batch = 0", "adan.train.global-batch must be >= 1, got 0");
        assertMessage("adan.train.epochs = many", "adan.train.epochs");
        assertMessage("adan.train.allreduce = ring", "adan.train.allreduce must be sharded or tree, got 'ring'");
        assertMessage("adan.model.backend = tensorflow",
                "adan.model.backend must be dl4j, pytorch or blank, got 'tensorflow'");
        assertMessage("adan.optimizer.name = adagrad", "adan.optimizer.name: unknown optimizer 'adagrad'");
        assertMessage("adan.optimizer.adan.betas = [0.98, 1.2, 0.99]", "adan.optimizer.adan (adan): betas[1] must be in [0, 1), got 1.2");
        assertMessage("adan.optimizer.adan.betas = [0.9, 0.9]", "adan.optimizer.adan.betas must have 3 values");
        assertMessage("adan.schedule.kind = step", "adan.schedule.kind must be constant, warmup-cosine or warmup-linear");
        assertMessage("adan.model.spec = \"mlp:0\"", "adan.model.spec: model 'mlp:0': hidden width '0'");
        assertMessage("adan.data.source = cifar", "adan.data.source: data 'cifar'");
        assertMessage("adan.checkpoint.resume = true", "--resume) needs adan.checkpoint.dir");
    }

    @Test
    void unknownFlagsAndMissingValuesAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--epoch", "3"}))
                .getMessage().contains("unknown flag '--epoch'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--epochs"}))
                .getMessage().contains("--epochs needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--config", "/no/such.conf"}))
                .getMessage().contains("/no/such.conf"));
    }

    @Test
    void aMisspeltFlagIsNamedWithTheNearestOneAndAValueThatIsAFlagOrNotANumberIsRefusedByFlag() {
        assertEquals("unknown flag '--epoch'; did you mean --epochs?; see --help", refused("--epoch", "3"));
        assertEquals("unknown flag '--glob-batch'; did you mean --global-batch?; see --help", refused("--glob-batch", "3"));
        assertEquals("unknown flag '--frobnicate'; see --help", refused("--frobnicate"));
        assertEquals("flag --epochs needs a value (N), got the flag --max-steps", refused("--epochs", "--max-steps", "1"));
        assertEquals("flag --lr needs a number, got 'abc'", refused("--lr", "abc"));
        assertEquals("flag --epochs needs a whole number, got '2.5'", refused("--epochs", "2.5"));
        assertEquals("flag --ema-decay needs a number, got 'x'", refused("--ema-decay=x"));
        CommandLine.parse(new String[] {"--lr", "-1e-3", "--epochs", "3"}); // a negative number is a value, not a flag
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(args)).getMessage();
    }

    private static void assertMessage(String hocon, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(hocon), hocon);
        assertTrue(e.getMessage().contains(expected), "for '" + hocon + "': " + e.getMessage());
    }

    @Test
    void anEstimatorsValuesAreAnOverlayReadAndCheckedAsTheCommandLinesAreButNamedAsItsParams() {
        RunPlan s = RunPlan.forEstimator("clf_1", Map.of(Settings.OPTIMIZER.key(), "adamw", Settings.MODEL.key(), "mlp:8",
                Settings.GLOBAL_BATCH.key(), 512, Settings.ALLREDUCE.key(), "tree", Settings.EVALUATE_EVERY_EPOCH.key(),
                false));
        assertEquals(0.002, s.optimizer().lr(), "AdamW's recipe where the param is not set");
        assertEquals(512, s.globalBatch());
        assertEquals(ReduceMode.TREE, s.allReduce());
        assertEquals(false, s.evaluateEveryEpoch());
        assertEquals(RunPlan.from(CommandLine.parse(new String[] {"--optimizer", "adamw", "--model", "mlp:8",
                "--global-batch", "512", "--allreduce", "tree"})).optimizer().build(), s.optimizer().build());
        assertEquals("clf_1: param globalBatchSize must be >= 1, got 0", refusedForEstimator(Settings.GLOBAL_BATCH.key(), 0));
        assertEquals("clf_1: param allReduce must be sharded or tree, got 'ring'",
                refusedForEstimator(Settings.ALLREDUCE.key(), "ring"));
        assertEquals("clf_1: param execution must be jobs or barrier, got 'stages'",
                refusedForEstimator(Settings.EXECUTION.key(), "stages"));
        assertEquals("clf_1: param emaDecay must be in [0, 1), got 1.0", refusedForEstimator(Settings.EMA_DECAY.key(), 1.0));
        assertTrue(refusedForEstimator(Settings.OPTIMIZER.key(), "adagrad").startsWith("clf_1: param optimizer: unknown"
                + " optimizer 'adagrad'"));
        assertEquals("clf_1: param betas must have 3 values for adan, got 2",
                refusedForEstimator(Settings.BETAS.keyFor("adan"), List.of(0.9, 0.99)));
        assertTrue(refusedForEstimator(Settings.BETAS.keyFor("adan"), List.of(0.9, 1.5, 0.99))
                .startsWith("clf_1: param optimizer (adan): betas[1] must be in [0, 1), got 1.5"));
        assertTrue(refusedForEstimator(Settings.MODEL.key(), "mlp:0").startsWith("clf_1: param modelSpec: model 'mlp:0'"));
    }

    private static String refusedForEstimator(String key, Object value) {
        return assertThrows(IllegalArgumentException.class, () -> RunPlan.forEstimator("clf_1", Map.of(key, value)))
                .getMessage();
    }
}
