/**
 * Adan as a DL4J updater: {@link org.adanspark.optim.dl4j.AdanUpdater} (the serialisable configuration,
 * an {@code IUpdater}) and {@link org.adanspark.optim.dl4j.AdanGradientUpdater} (the ND4J implementation).
 *
 * <pre>{@code
 * MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
 *         .updater(new AdanUpdater(5e-3))
 *         .weightDecay(0.02, true)          // Adan's decoupled decay (noProx = true)
 *         .list() ... .build();
 * }</pre>
 */
package org.adanspark.optim.dl4j;
