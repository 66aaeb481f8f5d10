package org.adanspark.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run of the large-batch study, fully determined: which workload, optimizer, batch, budget,
 * learning rate, seed and variant. Two runs with the same {@link #key()} train the same bits, so the study
 * runs each key once: the equal-step view's largest-batch cell is the equal-epoch view's.
 *
 * @param workload the workload
 * @param optimizer the optimizer's registry name
 * @param batch the global batch in the workload's unit
 * @param epochs the trainer's epoch count
 * @param maxSteps the trainer's step cap, 0 for none
 * @param steps the steps the run takes
 * @param warmup linear warm-up steps before the cosine decay
 * @param variant {@code base}, or the ablation's change (see {@link StudyPlan.Variant})
 * @param lrGrid the learning-rate grid point k: {@code lr = base · sqrt(B / 1024) · 3^k}
 * @param lr the peak learning rate
 * @param seed the seed (weights, sampling, dropout)
 * @param beta3 Adan's β3 when the variant sets it, else NaN
 * @param maxGradNorm global gradient-norm clipping, 0 for none
 * @param evaluateEveryEpoch whether to score the held-out split after every epoch (for the curves)
 */
record StudyRun(StudyWorkload workload, String optimizer, int batch, int epochs, int maxSteps, int steps, int warmup,
                String variant, int lrGrid, double lr, int seed, double beta3, double maxGradNorm,
                boolean evaluateEveryEpoch) {

    /** @return what identifies the run's result in the log */
    String key() {
        return key(workload.name(), optimizer, batch, steps, warmup, variant, lrGrid, seed);
    }

    /**
     * @return the key of these coordinates
     */
    static String key(String workload, String optimizer, int batch, int steps, int warmup, String variant, int lrGrid,
                      int seed) {
        return workload + "/" + optimizer + "/" + batch + "/" + steps + "/" + warmup + "/" + variant + "/" + lrGrid + "/" + seed;
    }

    /** @return examples the run computes gradients of, for cost estimates */
    long examples() {
        return (long) steps * workload.examplesPerStep(batch);
    }

    /** @return the {@code adan.*} settings that train this run */
    Map<String, Object> settings() {
        Map<String, Object> keys = new HashMap<>();
        keys.put("adan.model.spec", workload.model());
        keys.put("adan.optimizer.name", optimizer);
        keys.put("adan.optimizer." + optimizer + ".lr", lr);
        keys.put("adan.optimizer.max-grad-norm", maxGradNorm);
        if (!Double.isNaN(beta3)) {
            keys.put("adan.optimizer.adan.betas", List.of(0.98, 0.92, beta3));
        }
        keys.put("adan.schedule.kind", "warmup-cosine");
        keys.put("adan.schedule.warmup-steps", warmup);
        keys.put("adan.train.global-batch", workload.examplesPerStep(batch));
        keys.put("adan.train.epochs", epochs);
        keys.put("adan.train.max-steps", maxSteps);
        keys.put("adan.train.seed", seed);
        keys.put("adan.train.evaluate-every-epoch", evaluateEveryEpoch);
        return keys;
    }

    /** @return a one-line description for the progress line */
    String describe() {
        return String.format(java.util.Locale.ROOT, "%s %s B=%d %s lr %s (3^%d) seed %d%s", workload.name(), optimizer,
                batch, steps + " steps", ResultTable.fmt(lr), lrGrid, seed, variant.equals("base") ? "" : " " + variant);
    }
}
