package org.adanspark.optim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.adanspark.testing.SharedFiles;

/** One reference trajectory of the official Adan from {@code shared/golden/adan}, tensors flattened. */
final class GoldenCase {

    final String name;
    final Adan adan;
    final double lr;
    final double[] betas;
    final double eps;
    final double weightDecay;
    final boolean noProx;
    final double maxGradNorm;
    final int[] shapes;
    final int steps;
    final String gradientKind;
    final double[] initialParams;
    final double[][] grads;
    final double[] clipCoef;
    final double[][] params;
    final double[] finalM;
    final double[] finalV;
    final double[] finalN;
    final double[] finalNegPrevGrad;

    private GoldenCase(Path file) {
        Config c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        name = c.getString("case");
        Config h = c.getConfig("hyperparameters");
        lr = h.getDouble("lr");
        betas = h.getDoubleList("betas").stream().mapToDouble(Double::doubleValue).toArray();
        eps = h.getDouble("eps");
        weightDecay = h.getDouble("weight_decay");
        noProx = h.getBoolean("no_prox");
        maxGradNorm = h.getDouble("max_grad_norm");
        adan = Adan.builder().lr(lr).betas(betas[0], betas[1], betas[2]).eps(eps).weightDecay(weightDecay)
                .noProx(noProx).maxGradNorm(maxGradNorm).build();
        shapes = c.getIntList("shapes").stream().mapToInt(Integer::intValue).toArray();
        steps = c.getInt("steps");
        if (!c.getIntList("restart_before_steps").isEmpty()) {
            throw new IllegalStateException(name + ": restart_before_steps is not replayed by this loader");
        }
        gradientKind = c.getString("gradient.kind");
        initialParams = flatten(c.getList("initial_params").unwrapped());
        grads = perStep(c.getList("grads").unwrapped());
        clipCoef = c.getDoubleList("clip_coef").stream().mapToDouble(Double::doubleValue).toArray();
        params = perStep(c.getList("params").unwrapped());
        finalM = flatten(c.getList("final_state.exp_avg").unwrapped());
        finalV = flatten(c.getList("final_state.exp_avg_diff").unwrapped());
        finalN = flatten(c.getList("final_state.exp_avg_sq").unwrapped());
        finalNegPrevGrad = flatten(c.getList("final_state.neg_pre_grad").unwrapped());
    }

    static GoldenCase load(Path file) {
        return new GoldenCase(file);
    }

    static Stream<Path> files() throws IOException {
        Path dir = SharedFiles.resolve("golden/adan");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no golden cases in " + dir);
        }
        return files.stream();
    }

    ParamLayout layout() {
        return ParamLayout.of(shapes);
    }

    /** The gradient for step {@code t} (0-based) given the parameters before that step. */
    double[] gradient(int t, double[] paramsBefore) {
        return switch (gradientKind) {
            case "splitmix", "sin" -> grads[t];
            case "quadratic" -> {
                double[] g = new double[paramsBefore.length];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (double) (1 + i % 5) * (paramsBefore[i] - (double) (i % 3 - 1));
                }
                yield g;
            }
            default -> throw new IllegalStateException(name + ": unknown gradient kind " + gradientKind);
        };
    }

    private static double[][] perStep(List<Object> steps) {
        double[][] out = new double[steps.size()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = flatten((List<?>) steps.get(t));
        }
        return out;
    }

    private static double[] flatten(List<?> tensors) {
        int n = 0;
        for (Object t : tensors) {
            n += ((List<?>) t).size();
        }
        double[] out = new double[n];
        int i = 0;
        for (Object t : tensors) {
            for (Object x : (List<?>) t) {
                out[i++] = ((Number) x).doubleValue();
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
