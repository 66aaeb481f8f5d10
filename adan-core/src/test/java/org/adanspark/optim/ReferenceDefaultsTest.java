package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The builders' defaults are the reference implementations' constructor defaults, so that a script ported from
 * PyTorch ({@code Adan(params, lr=0.1)}) gets the same optimizer from the same arguments. The expected values are
 * written out here from each reference's signature, not read from the declarations they check; the trainer's
 * large-batch recipe lives in adan-spark's reference.conf and is tested there.
 */
class ReferenceDefaultsTest {

    /**
     * Each optimizer built with no arguments, against its reference's defaults: sail-sg/Adan's {@code Adan.__init__}
     * (lr 1e-3, betas (0.98, 0.92, 0.99), eps 1e-8, weight_decay 0, max_grad_norm 0, no_prox False);
     * {@code torch.optim.AdamW}, {@code Adam}, {@code RAdam} and {@code SGD} (PyTorch 2.2+); timm's {@code Lamb};
     * SET-Adam's paper; Adafactor's paper (Shazeer and Stern, as {@code transformers.Adafactor}); Lookahead's paper.
     */
    @Test
    void everyOptimizerBuiltWithNoArgumentsHasItsReferencesDefaults() {
        Map<Optimizer, Map<String, Object>> expected = new LinkedHashMap<>();
        expected.put(Adan.builder().build(), values("lr", 1e-3, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "beta1", 0.98, "beta2", 0.92, "beta3", 0.99, "eps", 1e-8, "no_prox", false));
        expected.put(AdamW.builder().build(), values("lr", 1e-3, "weight_decay", 0.01, "max_grad_norm", 0.0,
                "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "update_clip", 0.0));
        expected.put(Adam.builder().build(), values("lr", 1e-3, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "update_clip", 0.0));
        expected.put(RAdam.builder().build(), values("lr", 1e-3, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "decoupled_weight_decay", false));
        expected.put(Sgd.builder().build(), values("lr", 1e-3, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "momentum", 0.0, "dampening", 0.0, "nesterov", false));
        expected.put(Lamb.builder().build(), values("lr", 1e-3, "weight_decay", 0.01, "max_grad_norm", 0.0,
                "beta1", 0.9, "beta2", 0.999, "eps", 1e-6));
        expected.put(SetAdam.builder().build(), values("lr", 1e-3, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "beta1", 0.9, "beta2", 0.999, "eps", 1e-16, "tau", 0.5));
        expected.put(Adafactor.builder().build(), values("lr", 0.01, "weight_decay", 0.0, "max_grad_norm", 0.0,
                "beta1", 0.0, "eps1", 1e-30, "eps2", 1e-3, "clip_threshold", 1.0, "decay_exponent", 0.8,
                "relative_step", true, "scale_parameter", true));
        for (Map.Entry<Optimizer, Map<String, Object>> e : expected.entrySet()) {
            Map<String, Object> actual = new LinkedHashMap<>(e.getKey().hyperparameters());
            assertEquals(NonFinitePolicy.FAIL.name(), actual.remove("non_finite"), e.getKey().name());
            assertEquals(e.getValue(), actual, e.getKey().name());
            assertEquals(e.getKey(), OptimizerRegistry.create(e.getKey().name(), Map.of()), e.getKey().name()
                    + ": the registry with no values builds what the builder does");
        }
        assertEquals(OptimizerRegistry.names().size(), expected.size(), "every registered optimizer is checked");
        Lookahead lookahead = (Lookahead) OptimizerRegistry.create("lookahead-adan", Map.of());
        assertEquals(5, lookahead.hyperparameters().get("lookahead_k"));
        assertEquals(0.5, lookahead.hyperparameters().get("lookahead_alpha"));
    }

    /** The official Adan's defaults, as its signature states them. */
    private static final double REF_LR = 1e-3;
    private static final double[] REF_BETAS = {0.98, 0.92, 0.99};
    private static final double REF_EPS = 1e-8;
    private static final double REF_WEIGHT_DECAY = 0.0;
    private static final double REF_MAX_GRAD_NORM = 0.0;
    private static final boolean REF_NO_PROX = false;

    static Stream<Path> cases() throws IOException {
        return GoldenCase.files();
    }

    /**
     * Every reference trajectory through {@code Adan.builder()} given only what the case changes from the
     * reference's defaults, as a ported script would write it: the float64 parameters are the reference's to the
     * last bit without clipping, and within the README's bound with it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenTrajectoriesFromOnlyWhatTheCaseChanges(Path file) {
        GoldenCase c = GoldenCase.load(file);
        Adan.Builder b = Adan.builder();
        List<String> changed = new java.util.ArrayList<>();
        if (c.lr != REF_LR) {
            b.lr(c.lr);
            changed.add("lr");
        }
        if (c.betas[0] != REF_BETAS[0] || c.betas[1] != REF_BETAS[1] || c.betas[2] != REF_BETAS[2]) {
            b.betas(c.betas[0], c.betas[1], c.betas[2]);
            changed.add("betas");
        }
        if (c.eps != REF_EPS) {
            b.eps(c.eps);
            changed.add("eps");
        }
        if (c.weightDecay != REF_WEIGHT_DECAY) {
            b.weightDecay(c.weightDecay);
            changed.add("weight_decay");
        }
        if (c.noProx != REF_NO_PROX) {
            b.noProx(c.noProx);
            changed.add("no_prox");
        }
        if (c.maxGradNorm != REF_MAX_GRAD_NORM) {
            b.maxGradNorm(c.maxGradNorm);
            changed.add("max_grad_norm");
        }
        Adan adan = b.build();
        OptimizerState state = adan.init(c.layout(), Precision.FLOAT64);
        double[] p = c.initialParams.clone();
        for (int t = 0; t < c.steps; t++) {
            adan.step(state, p, c.gradient(t, p));
            for (int i = 0; i < p.length; i++) {
                double ref = c.params[t][i];
                double tol = c.maxGradNorm == 0 ? 0.0 : 1e-13 + 1e-12 * Math.abs(ref);
                int step = t + 1;
                int idx = i;
                assertTrue(Math.abs(p[i] - ref) <= tol, () -> c.name + " (setting only " + changed + ") step " + step
                        + " param " + idx + ": " + p[idx] + " vs reference " + ref);
            }
        }
        if (c.name.endsWith("_defaults")) {
            assertEquals(List.of(), changed, c.name + " runs the reference's defaults");
        }
    }

    private static Map<String, Object> values(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
