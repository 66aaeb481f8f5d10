/**
 * Optimizers for large-batch training over flat, sharded state.
 *
 * <p>The entry points are {@link org.adanspark.optim.Adan} (Xie et al., <i>Adan: Adaptive Nesterov
 * Momentum Algorithm for Faster Optimizing Deep Models</i>, arXiv 2208.06677) and the baselines
 * {@link org.adanspark.optim.AdamW}, {@link org.adanspark.optim.Adam} (both with clipped Adam's update bound),
 * {@link org.adanspark.optim.Lamb}, {@link org.adanspark.optim.Sgd}, {@link org.adanspark.optim.RAdam},
 * {@link org.adanspark.optim.SetAdam}, {@link org.adanspark.optim.Adafactor}, and the decorators
 * {@link org.adanspark.optim.Lookahead} and {@link org.adanspark.optim.ModelEma} (a model EMA beside any of
 * them). All share one contract, {@link org.adanspark.optim.Optimizer}:
 *
 * <pre>{@code
 * ParamLayout layout = ParamLayout.of(17, 5);
 * Adan adan = Adan.builder().lr(1e-3).weightDecay(0.02).build();
 * OptimizerState state = adan.init(layout, Precision.FLOAT32, 8);
 * adan.step(state, params, grads);   // updates params in place
 * }</pre>
 *
 * <p>Hyperparameters are immutable objects made by builders that validate every value. State lives
 * apart: a {@link org.adanspark.optim.ShardPlan} cuts the flat parameters into contiguous shards, each
 * {@link org.adanspark.optim.ShardState} owns one shard's slice of every slot (for Adan m, v, n and the
 * previous gradient; a slot that holds fewer values than parameters, as Adafactor's factored second
 * moments, the run of its {@link org.adanspark.optim.SlotSpace} anchored in the slice), and an
 * {@link org.adanspark.optim.OptimizerState} is all of them in one process.
 * Every step is the per-shard protocol of {@code Optimizer} — screen, combine, apply — that
 * {@link org.adanspark.optim.ShardLoop} runs over the shards in parallel and that owners of single shards
 * can run apart. Global reductions (the clip norm, LAMB's per-tensor norms) are computed per fixed
 * segment and combined in a fixed order, so the result does not depend on the number of shards.
 * {@link org.adanspark.optim.OptimizerRegistry} builds any of them by name.
 */
package org.adanspark.optim;
