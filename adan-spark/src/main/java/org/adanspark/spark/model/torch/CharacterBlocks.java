package org.adanspark.spark.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The {@code charlm} preset on the PyTorch backend, attention body, from DJL's blocks: the DL4J preset's
 * small GPT (docs/MODELS.md, "Presets"):
 * <pre>
 *   token ids [m, T] → token embedding (vocabulary × W) + position embedding (T × W)
 *   → L pre-norm blocks:  h = x + W_o·attention(LN₁(x)),  y = h + W₂·gelu(W₁·LN₂(h) + b₁) + b₂
 *   → dense to the vocabulary → logits [m, vocabulary, T]
 * </pre>
 * The attention of head j at position t is {@code softmax_{s≤t}(q_t·k_s / √(W/H))}: −10⁹ is added to the
 * logits of later positions, as in the DL4J preset.
 */
final class CharacterBlocks {

    private static final float MASKED = -1e9f;

    private CharacterBlocks() {
    }

    /**
     * @param vocabulary distinct tokens
     * @param length positions per window T
     * @param width the model width W
     * @param heads attention heads H, dividing W
     * @param layers blocks
     * @return the network, not yet initialised; it takes {@code [m, T]} token ids (as floats)
     */
    static Block attention(int vocabulary, int length, int width, int heads, int layers) {
        SequentialBlock net = new SequentialBlock().add(new Embeddings(vocabulary, length, width));
        for (int i = 0; i < layers; i++) {
            net.add(new CausalBlock(width, heads));
        }
        return net.add(Linear.builder().setUnits(vocabulary).build())
                .add(LambdaBlock.singleton(logits -> logits.transpose(0, 2, 1), "positionsLast"));
    }

    /** The token embedding plus a learned position embedding. */
    private static final class Embeddings extends AbstractBlock {

        private final Parameter token;
        private final Parameter position;
        private final int width;

        Embeddings(int vocabulary, int length, int width) {
            this.width = width;
            token = addParameter(Parameter.builder().setName("token").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabulary, width)).build());
            position = addParameter(Parameter.builder().setName("position").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(length, width)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow().toType(DataType.INT64, false);
            NDArray tokens = store.getValue(token, ids.getDevice(), training);
            NDArray embedded = Embedding.embedding(ids, tokens, SparseFormat.DENSE).singletonOrThrow();
            return new NDList(embedded.add(store.getValue(position, ids.getDevice(), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(1), width)};
        }
    }

    /** One pre-norm transformer block with causal multi-head self-attention. */
    private static final class CausalBlock extends AbstractBlock {

        private final int width;
        private final int heads;
        private final Block norm1;
        private final Block qkv;
        private final Block projection;
        private final Block norm2;
        private final Block expand;
        private final Block contract;

        CausalBlock(int width, int heads) {
            this.width = width;
            this.heads = heads;
            norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
            qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
            projection = addChildBlock("projection", Linear.builder().setUnits(width).build());
            norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
            expand = addChildBlock("expand", Linear.builder().setUnits(4L * width).build());
            contract = addChildBlock("contract", Linear.builder().setUnits(width).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            long m = x.getShape().get(0);
            long t = x.getShape().get(1);
            int d = width / heads;
            NDArray projected = run(qkv, store, run(norm1, store, x, training), training);
            NDArray split = projected.reshape(m, t, 3, heads, d).transpose(2, 0, 3, 1, 4); // [3, m, H, T, d]
            NDArray q = split.get(0);
            NDArray k = split.get(1);
            NDArray v = split.get(2);
            NDArray logits = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(d)).add(causalMask(x.getManager(), t));
            NDArray attended = logits.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(m, t, width);
            NDArray h = x.add(run(projection, store, attended, training));
            NDArray hidden = Activation.gelu(run(expand, store, run(norm2, store, h, training), training));
            return new NDList(h.add(run(contract, store, hidden, training)));
        }

        private static NDArray run(Block block, ParameterStore store, NDArray x, boolean training) {
            return block.forward(store, new NDList(x), training).singletonOrThrow();
        }

        /** {@code [T, T]}: 0 where position s ≤ t may be attended to, −10⁹ where s > t. */
        private static NDArray causalMask(NDManager manager, long t) {
            int n = Math.toIntExact(t);
            float[] mask = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    mask[i * n + j] = MASKED;
                }
            }
            return manager.create(mask, new Shape(t, t));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return inputs;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType type, Shape... inputs) {
            Shape in = inputs[0];
            for (Block b : new Block[] {norm1, qkv, projection, norm2, expand}) {
                b.initialize(manager, type, in);
            }
            contract.initialize(manager, type, new Shape(in.get(0), in.get(1), 4L * width));
        }
    }
}
