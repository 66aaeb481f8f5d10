package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.dl4j.Dl4jBackend;
import org.adanspark.spark.model.dl4j.Dl4jModel;
import org.adanspark.spark.model.dl4j.Network;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestConfigs;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The model's non-trained state through the compute-backend port (docs/MODELS.md, "Batch normalisation
 * and frozen layers"): batch normalisation's running statistics move by DL4J's own rule, the same in both
 * executions; a frozen layer's parameters do not move at all, weight decay or not.
 */
class NonTrainedStateTest {

    private static final int ROWS = 512;
    private static SparkSession spark;
    private static TrainTestData mnist;
    /** The same rows in two partitions. */
    private static TrainTestData halves;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
        mnist = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 1\nadan.data.train-limit = " + ROWS)
                .dataSettings(1)).load(0);
        halves = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 2\nadan.data.train-limit = " + ROWS)
                .dataSettings(2)).load(0);
    }

    @AfterAll
    static void stop() {
        mnist.release();
        halves.release();
        spark.stop();
    }

    /** Dense → batch normalisation → softmax, float32, no updater of its own (the run's optimizer trains it). */
    private static String batchNormNet(boolean frozenFirst) {
        DenseLayer dense = new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new NoOp()).list()
                .layer(frozenFirst ? new FrozenLayer(dense) : dense)
                .layer(new BatchNormalization.Builder().nOut(32).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784));
        return list.build().toJson();
    }

    private TrainResult train(String json, String overrides) throws IOException {
        return train(json, overrides, mnist);
    }

    private TrainResult train(String json, String overrides, TrainTestData data) throws IOException {
        Path file = tmp.resolve("net-" + Integer.toHexString(json.hashCode()) + ".json");
        Files.writeString(file, json);
        RunPlan plan = TestConfigs.mnist("adan.data.partitions = 1\nadan.data.train-limit = " + ROWS + "\n"
                + "adan.model.spec = \"json:" + file + "\"\nadan.schedule.kind = constant\nadan.schedule.warmup-steps = 0\n"
                + "adan.optimizer.max-grad-norm = 0\nadan.train.evaluate-every-epoch = false\n" + overrides);
        return new SyncTrainer(spark, plan, List.of()).fit(data);
    }

    @Test
    void dl4jMarksBatchNormStatisticsAndFrozenLayers() {
        Network net = Network.fromJson(batchNormNet(true));
        net.init();
        ParamLayout layout = Dl4jBackend.layoutOf(net);
        ParamRoles roles = Dl4jBackend.rolesOf(net, layout);
        for (int t = 0; t < layout.numTensors(); t++) {
            String name = layout.names().get(t);
            ParamRoles.Role expected = name.startsWith("0_") ? ParamRoles.Role.FROZEN
                    : name.equals("1_mean") || name.equals("1_var") || name.equals("1_log10stdev")
                            ? ParamRoles.Role.STATISTIC : ParamRoles.Role.TRAINED;
            assertEquals(expected, roles.of(t), name);
        }
    }

    @Test
    void runningStatisticsAfterStepsOnOnePartitionEqualDl4jsOwnFit() throws IOException {
        // one partition, each step the whole partition as one micro-batch: DL4J's fit on the same rows
        int steps = 3;
        double lr = 0.05;
        TrainResult r = train(batchNormNet(false), "adan.train.execution = jobs\nadan.train.global-batch = " + ROWS
                + "\nadan.train.micro-batch = " + ROWS + "\nadan.train.epochs = " + steps + "\nadan.train.max-steps = 0\n"
                + "adan.optimizer.name = sgd\n"
                + "adan.optimizer.sgd { lr = " + lr + ", momentum = 0.0, nesterov = false, weight-decay = 0.0 }");

        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(r.modelDefinition());
        conf.getConfs().forEach(c -> {
            if (c.getLayer() instanceof BaseLayer b) {
                b.setIUpdater(new Sgd(lr)); // batch norm's statistics keep DL4J's no-op updater for them
            }
        });
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf);
        dl4j.init();
        assertArrayEquals(Dl4jModel.of(r.modelDefinition(), 784).initialParams(), dl4j.params().toFloatVector(),
                "both start from the configuration's seeded initialisation");
        FeatureBlock block = mnist.train().blocks().collect().get(0);
        int[] identity = new int[ROWS];
        Arrays.setAll(identity, i -> i);
        float[] x = new float[ROWS * 784];
        float[] y = new float[ROWS * 10];
        block.gather(identity, 0, ROWS, 10, x, y);
        DataSet batch = new DataSet(Nd4j.create(x, new long[] {ROWS, 784}, 'c'), Nd4j.create(y, new long[] {ROWS, 10}, 'c'));
        for (int s = 0; s < steps; s++) {
            dl4j.fit(batch);
        }

        assertEquals(steps, r.summary().steps());
        float[] ours = r.params();
        float[] theirs = dl4j.params().toFloatVector();
        ParamLayout layout = r.layout();
        for (int t = 0; t < layout.numTensors(); t++) {
            String name = layout.names().get(t);
            double worst = 0;
            double scale = 0;
            for (int i = layout.offset(t); i < layout.offset(t) + layout.length(t); i++) {
                worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
                scale = Math.max(scale, Math.abs(theirs[i]));
            }
            // the batch statistics and the mean gradient are float32 sums of 512 rows, ours in the epoch's
            // shuffled order and DL4J's in row order: at most one rounding of the largest value per term and step
            // (measured: at most 4 ulp)
            double bound = steps * ROWS * Math.ulp((float) scale);
            assertTrue(worst <= bound, name + ": differs from DL4J's fit by " + worst + " (bound " + bound + ")");
        }
        int mean = layout.names().indexOf("1_mean");
        float[] initial = Dl4jModel.of(r.modelDefinition(), 784).initialParams();
        assertFalse(Arrays.equals(Arrays.copyOfRange(initial, layout.offset(mean), layout.offset(mean) + 32),
                Arrays.copyOfRange(ours, layout.offset(mean), layout.offset(mean) + 32)), "the running mean moved");
    }

    @Test
    void withTwoPartitionsAStepMovesTheStatisticsByTheExampleWeightedMeanOfTheirChanges() throws IOException {
        String json = batchNormNet(false);
        String plan = "adan.data.partitions = 2\nadan.train.global-batch = " + ROWS + "\nadan.train.micro-batch = " + ROWS
                + "\nadan.train.max-steps = 1\nadan.optimizer.name = sgd\nadan.optimizer.shards = 3\n";
        TrainResult jobs = train(json, plan + "adan.train.execution = jobs", halves);
        assertEquals(jobs.summary().paramsSha256(), train(json, plan + "adan.train.execution = barrier", halves)
                .summary().paramsSha256(), "the same rule in both executions");

        // each partition's change, as DL4J's layer computes it for that partition's rows at the initial θ
        Network net = Network.fromJson(jobs.modelDefinition());
        net.init();
        float[] theta = net.params().toFloatVector();
        ParamLayout layout = Dl4jBackend.layoutOf(net);
        int mean = layout.names().indexOf("1_mean");
        int from = layout.offset(mean);
        float[] weighted = new float[32];
        int total = 0;
        for (FeatureBlock block : halves.train().blocks().collect()) {
            int n = block.rows();
            int[] identity = new int[n];
            Arrays.setAll(identity, i -> i);
            float[] x = new float[n * 784];
            float[] y = new float[n * 10];
            block.gather(identity, 0, n, 10, x, y);
            net.computeGradientAndScore(Nd4j.create(x, new long[] {n, 784}, 'c'), Nd4j.create(y, new long[] {n, 10}, 'c'));
            float[] change = net.gradients().toFloatVector();
            for (int i = 0; i < 32; i++) {
                weighted[i] += change[from + i] * n;
            }
            total += n;
        }
        assertEquals(ROWS, total);
        float[] ours = jobs.params();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < 32; i++) {
            float expected = theta[from + i] - weighted[i] / total;
            worst = Math.max(worst, Math.abs(ours[from + i] - expected));
            scale = Math.max(scale, Math.abs(expected));
        }
        // each partition's batch mean is a float32 sum of 256 rows, here in row order and in the run in the
        // epoch's shuffled order
        double bound = ROWS / 2.0 * Math.ulp((float) scale);
        assertTrue(worst <= bound, "running mean: " + worst + " from the example-weighted mean change (bound " + bound
                + ")");
    }

    @Test
    void frozenParametersDoNotMoveWithWeightDecayAndStatisticsAreTheSameInBothExecutions() throws IOException {
        String json = batchNormNet(true);
        String common = "adan.data.partitions = 1\nadan.train.global-batch = 256\nadan.train.micro-batch = 64\n"
                + "adan.train.max-steps = 4\nadan.optimizer.name = adamw\nadan.optimizer.adamw.weight-decay = 0.5\n"
                + "adan.optimizer.ema-decay = 0.9\nadan.optimizer.shards = 3\n";
        TrainResult jobs = train(json, common + "adan.train.execution = jobs");
        TrainResult barrier = train(json, common + "adan.train.execution = barrier");
        assertEquals(jobs.summary().paramsSha256(), barrier.summary().paramsSha256(),
                "the statistics' rule and the frozen layer are the step core's, the same in both executions");

        Network net = Network.fromJson(jobs.modelDefinition());
        net.init();
        ParamLayout layout = Dl4jBackend.layoutOf(net);
        float[] initial = net.params().toFloatVector();
        float[] ema = jobs.params(); // the run keeps a model EMA: the saved weights are its average
        for (int t = 0; t < layout.numTensors(); t++) {
            String name = layout.names().get(t);
            float[] before = Arrays.copyOfRange(initial, layout.offset(t), layout.offset(t) + layout.length(t));
            float[] after = Arrays.copyOfRange(ema, layout.offset(t), layout.offset(t) + layout.length(t));
            if (name.startsWith("0_")) {
                assertArrayEquals(before, after, name + " is frozen: bit for bit as initialised, weight decay 0.5");
            } else {
                assertFalse(Arrays.equals(before, after), name + " trains");
            }
        }
    }
}
