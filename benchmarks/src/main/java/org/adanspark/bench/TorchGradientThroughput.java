package org.adanspark.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * Examples per second of one executor's gradient work on the PyTorch backend — {@code Replica.addGradient}
 * over a micro-batch of real Fashion-MNIST images, what {@code GradientComputation} runs every step — for
 * TorchScript modules that {@code benchmarks/torch_gradients.py --save-torchscript} saved from the same
 * networks it measures in PyTorch. Also times the flat copies a step adds around the passes: θ into the
 * module ({@code lease}) and the gradient out ({@code gradientSum}), once per step each.
 *
 * <p>Prints one line per model: {@code RESULT pytorch-backend,<model>,<batch>,<threads>,,,<examples_per_sec>,
 * <gradient_sha256>,<copy_ms>,<pass_ms>}. System properties: {@code bench.dir} (the saved modules),
 * {@code bench.models} (comma-separated), {@code bench.batch} (128), {@code bench.seconds} per model (10),
 * {@code bench.threads} (2).
 */
public final class TorchGradientThroughput {

    private TorchGradientThroughput() {
    }

    /**
     * @param args ignored; see the class comment for the properties
     * @throws Exception when the data or a module cannot be read
     */
    public static void main(String[] args) throws Exception {
        Path modules = Path.of(System.getProperty("bench.dir", "benchmarks/target/torchscript"));
        List<String> models = List.of(System.getProperty("bench.models", "lenet,resnet,resnet-bn").split(","));
        int batch = Integer.getInteger("bench.batch", 128);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "10"));
        int threads = Integer.getInteger("bench.threads", 2);

        FashionBatch data = FashionBatch.first(batch);
        float[] x = data.x();
        float[] y = data.y();
        for (String name : models) {
            ModelSpec spec = ModelSpec.parse("torchscript:" + modules.resolve(name.replace(':', '-') + ".pt"));
            ModelHandle model = ComputeBackend.forSpec(spec).prepare(spec,
                    new ComputeBackend.DataShape("fashion-mnist", 784, false), Objective.classification(10), 42).model();
            model.runtime().enter(new TaskCompute(threads, BlasKernel.requested()));
            float[] theta = model.initialParams();
            String sha;
            try (Replica r = model.lease(theta)) {
                r.addGradient(x, y, batch, 1, 1);
                sha = ParamsCodec.sha256(r.gradientSum());
                r.addGradient(x, y, batch, 1, 1);
                r.addGradient(x, y, batch, 1, 1);
            }
            long passes = 0;
            long passNanos = 0;
            long copyNanos = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < seconds * 1e9) {
                long t0 = System.nanoTime();
                Replica r = model.lease(theta); // θ into the module's storage: once per step
                long t1 = System.nanoTime();
                r.addGradient(x, y, batch, 1, passes);
                long t2 = System.nanoTime();
                float[] g = r.gradientSum(); // the gradient out: once per step
                long t3 = System.nanoTime();
                r.close();
                theta[0] += g[0] * 0f; // keep the copy
                copyNanos += (t1 - t0) + (t3 - t2);
                passNanos += t2 - t1;
                passes++;
            }
            double rate = passes * batch / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "RESULT pytorch-backend,%s,%d,%d,,,%.1f,%s,%.3f,%.3f%n", name, batch, threads,
                    rate, sha, copyNanos / 1e6 / passes, passNanos / 1e6 / passes);
        }
    }
}
