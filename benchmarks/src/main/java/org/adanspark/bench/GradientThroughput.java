package org.adanspark.bench;

import java.util.List;
import java.util.Locale;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.dl4j.Dl4jConfigurations;
import org.adanspark.spark.model.dl4j.Network;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples per second of one executor's gradient work — DL4J's forward and backward pass over a
 * micro-batch, what {@code GradientComputation} runs every step — for {@code lenet}, {@code resnet} and
 * {@code mlp:256} on real Fashion-MNIST images, in whatever ND4J native variant this JVM loaded. Run
 * once per variant by {@code benchmarks/nd4j-variants.sh}, beside {@code benchmarks/torch_gradients.py}
 * (the same networks in PyTorch), which turns the lines into {@code docs/results/nd4j-variants.csv}.
 *
 * <p>Prints one line per model: {@code variant,model,batch,threads,workspaces,helpers,examples_per_sec,
 * gradient_sha256} — the SHA-256 of the first micro-batch's gradient, so runs can be compared for
 * identical bits. System properties: {@code bench.models} (comma-separated), {@code bench.batch} (128),
 * {@code bench.seconds} per model (10), {@code bench.workspaces} ({@code ENABLED} or {@code NONE}),
 * {@code bench.helpers} ({@code true}: let libnd4j use its platform helpers, e.g. oneDNN).
 */
public final class GradientThroughput {

    private GradientThroughput() {
    }

    /**
     * @param args ignored; see the class comment for the properties
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        List<String> models = List.of(System.getProperty("bench.models", "lenet,resnet,mlp:256").split(","));
        int batch = Integer.getInteger("bench.batch", 128);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "10"));
        WorkspaceMode workspaces = WorkspaceMode.valueOf(System.getProperty("bench.workspaces", "ENABLED"));
        boolean helpers = Boolean.parseBoolean(System.getProperty("bench.helpers", "true"));
        String variant = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        variant = "nd4j-native" + (variant.isEmpty() ? " (generic x86-64)" : variant);
        Nd4j.getEnvironment().allowHelpers(helpers);
        int threads = Nd4j.getEnvironment().maxMasterThreads();

        FashionBatch data = FashionBatch.first(batch);
        float[] x = data.x();
        float[] y = data.y();
        INDArray input = Nd4j.create(x, new long[] {batch, 784}, 'c');
        INDArray target = Nd4j.create(y, new long[] {batch, 10}, 'c');

        for (String model : models) {
            String json = withWorkspaces(Dl4jConfigurations.of(ModelSpec.parse(model), 784, Objective.classification(10), 42),
                    workspaces);
            Network net = Network.fromJson(json);
            net.init();
            net.computeGradientAndScore(input, target);
            String sha = ParamsCodec.sha256(net.gradients().toFloatVector());
            for (int i = 0; i < 2; i++) {
                net.computeGradientAndScore(input, target);
            }
            long start = System.nanoTime();
            long iterations = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                net.computeGradientAndScore(input, target);
                iterations++;
            }
            double rate = iterations * batch / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "RESULT %s,%s,%d,%d,%s,%s,%.1f,%s%n", variant, model, batch, threads,
                    workspaces, helpers, rate, sha);
        }
    }

    private static String withWorkspaces(String json, WorkspaceMode mode) {
        if (Network.kindOf(json) == Network.Kind.GRAPH) {
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(json);
            conf.setTrainingWorkspaceMode(mode);
            conf.setInferenceWorkspaceMode(mode);
            return conf.toJson();
        }
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        conf.setTrainingWorkspaceMode(mode);
        conf.setInferenceWorkspaceMode(mode);
        return conf.toJson();
    }
}
