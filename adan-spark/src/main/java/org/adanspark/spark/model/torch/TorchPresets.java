package org.adanspark.spark.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.adanspark.spark.model.ModelSpec;

/**
 * The presets on the PyTorch backend ({@code --backend pytorch}; docs/MODELS.md, "Presets on the PyTorch
 * backend"), built from DJL's blocks in Java, so no Python is needed to use them:
 * <ul>
 *   <li>{@code linear}: one dense layer to the outputs;</li>
 *   <li>{@code mlp:W1,W2,…}: dense hidden layers (activation, then dropout), then the output layer;</li>
 *   <li>{@code lenet}: for 1×28×28 images, conv 5×5×20, max-pool 2, conv 5×5×50, max-pool 2, dense 500
 *       (activation), dropout, output layer — the DL4J preset's layers;</li>
 *   <li>{@code resnet:depth=6n+2:width=W}: the DL4J preset's residual shape (He et al. 2016, §4.2) with
 *       batch normalisation after every convolution, as the paper has it: a 3×3 stem, three stages of n
 *       basic blocks {@code act(bn(conv(act(bn(conv(x))))) + shortcut(x))} of W, 2W and 4W channels (stages
 *       2 and 3 start with stride 2, their shortcut a 1×1 stride-2 convolution and batch normalisation),
 *       global average pooling, dropout, the output layer. Convolutions followed by batch normalisation
 *       have no bias;</li>
 *   <li>{@code charlm} (attention body): the DL4J preset's small GPT over token windows
 *       ({@link CharacterBlocks}).</li>
 * </ul>
 * Activations are PyTorch's ({@code leakyrelu} slope 0.01, {@code elu} α = 1, {@code gelu} exact,
 * {@code swish} x·σ(x)); batch normalisation is PyTorch's ({@code momentum} 0.1, ε = 1e-5) and its running
 * mean and variance are the model's buffers. The initial θ is PyTorch's default initialisation —
 * every weight and bias uniform in ±1/√fan-in, batch normalisation's scale 1 and shift 0, running mean 0 and
 * variance 1 — drawn in Java from the seed ({@link #initialTheta}), so it is the same on every machine.
 */
final class TorchPresets {

    /** DJL's momentum is the running statistics' weight: PyTorch's 0.1 is DJL's 0.9. */
    private static final float BN_MOMENTUM = 0.9f;

    private TorchPresets() {
    }

    /**
     * @param spec a model spec
     * @return whether it is a preset this backend builds
     */
    static boolean builds(ModelSpec spec) {
        return spec instanceof ModelSpec.Linear || spec instanceof ModelSpec.Mlp || spec instanceof ModelSpec.LeNet
                || spec instanceof ModelSpec.ResNet
                || spec instanceof ModelSpec.CharLm c && c.body() == ModelSpec.CharLm.Body.ATTENTION;
    }

    /**
     * @param spec a preset
     * @param width values per example in the data
     * @return the shape one example takes at the preset's input
     * @throws IllegalArgumentException when the data does not fit the preset
     */
    static int[] exampleShape(ModelSpec spec, int width) {
        if (spec instanceof ModelSpec.LeNet) {
            if (width != 28 * 28) {
                throw new IllegalArgumentException("model 'lenet' needs 28×28 = 784 features per example, the data has "
                        + width);
            }
            return new int[] {1, 28, 28};
        }
        if (spec instanceof ModelSpec.ResNet) {
            for (int channels : new int[] {1, 3}) {
                for (int side : new int[] {28, 32}) {
                    if (channels * side * side == width) {
                        return new int[] {channels, side, side};
                    }
                }
            }
            throw new IllegalArgumentException("model 'resnet' takes 28×28 or 32×32 images of 1 or 3 channels (784, "
                    + "1024, 2352 or 3072 features per example), the data has " + width);
        }
        return new int[] {width};
    }

    /**
     * @param spec a preset ({@link #builds})
     * @param exampleShape the shape of one example at its input ({@link #exampleShape})
     * @param outputs the output layer's width: classes (the vocabulary of a {@code charlm}), or 1 for a
     *     regressor
     * @return the preset's blocks, not yet initialised
     */
    static Block block(ModelSpec spec, int[] exampleShape, int outputs) {
        if (spec instanceof ModelSpec.CharLm c) {
            return CharacterBlocks.attention(outputs, exampleShape[0], c.width(), c.heads(), c.layers());
        }
        SequentialBlock net = new SequentialBlock();
        if (spec instanceof ModelSpec.Mlp m) {
            for (int w : m.widths()) {
                net.add(Linear.builder().setUnits(w).build());
                hidden(net, m.hidden());
            }
        } else if (spec instanceof ModelSpec.LeNet l) {
            net.add(conv(5, 1, 20, 0, true))
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(conv(5, 1, 50, 0, true))
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(500).build());
            hidden(net, l.hidden());
        } else if (spec instanceof ModelSpec.ResNet r) {
            residual(net, r);
        } else if (!(spec instanceof ModelSpec.Linear)) {
            throw new IllegalArgumentException("the PyTorch backend has no preset '" + spec + "'");
        }
        return net.add(Linear.builder().setUnits(outputs).build());
    }

    private static void residual(SequentialBlock net, ModelSpec.ResNet r) {
        UnaryOperator<NDArray> act = activation(r.hidden().activation());
        int blocks = (r.depth() - 2) / 6;
        net.add(conv(3, 1, r.width(), 1, false)).add(batchNorm()).add(LambdaBlock.singleton(act::apply, "activation"));
        int channelsIn = r.width();
        for (int stage = 0; stage < 3; stage++) {
            int out = r.width() << stage;
            for (int b = 0; b < blocks; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                SequentialBlock branch = new SequentialBlock()
                        .add(conv(3, stride, out, 1, false)).add(batchNorm())
                        .add(LambdaBlock.singleton(act::apply, "activation"))
                        .add(conv(3, 1, out, 1, false)).add(batchNorm());
                Block shortcut = stride == 1 && channelsIn == out ? Blocks.identityBlock()
                        : new SequentialBlock().add(conv(1, stride, out, 0, false)).add(batchNorm());
                net.add(new ParallelBlock(TorchPresets::sum, List.of(branch, shortcut)))
                        .add(LambdaBlock.singleton(act::apply, "activation"));
                channelsIn = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
        if (r.hidden().dropout() > 0) {
            net.add(Dropout.builder().optRate((float) r.hidden().dropout()).build());
        }
    }

    private static NDList sum(List<NDList> paths) {
        return new NDList(paths.get(0).singletonOrThrow().add(paths.get(1).singletonOrThrow()));
    }

    private static void hidden(SequentialBlock net, ModelSpec.Hidden hidden) {
        net.add(LambdaBlock.singleton(activation(hidden.activation())::apply, "activation"));
        if (hidden.dropout() > 0) {
            net.add(Dropout.builder().optRate((float) hidden.dropout()).build());
        }
    }

    /** A square convolution: kernel × kernel, its stride and zero padding on each side, bias or not. */
    private static Block conv(int kernel, int stride, int filters, int pad, boolean bias) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad)).setFilters(filters).optBias(bias).build();
    }

    private static Block batchNorm() {
        return BatchNorm.builder().optMomentum(BN_MOMENTUM).optEpsilon(1e-5f).build();
    }

    private static UnaryOperator<NDArray> activation(ModelSpec.Activation a) {
        return switch (a) {
            case RELU -> Activation::relu;
            case TANH -> Activation::tanh;
            case SIGMOID -> Activation::sigmoid;
            case ELU -> x -> Activation.elu(x, 1f);
            case LEAKYRELU -> x -> Activation.leakyRelu(x, 0.01f);
            case GELU -> Activation::gelu;
            case SWISH -> x -> Activation.swish(x, 1f);
        };
    }

    /**
     * PyTorch's default initialisation, drawn from one SplitMix64 stream ({@link SplittableRandom}) in
     * θ's order: each weight and the bias after it uniform in ±1/√fan-in (fan-in = the weight's values per
     * output), batch normalisation's scale 1 and shift 0; then the buffers, running mean 0 and variance 1.
     * {@code python/make_torchscript_fixtures.py} draws the same values.
     *
     * @param trained the trained parameters in θ's order
     * @param buffers the buffers in θ's order
     * @param seed the run's seed
     * @return θ
     */
    static float[] initialTheta(List<Parameter> trained, List<Parameter> buffers, long seed) {
        int n = 0;
        for (Parameter p : trained) {
            n += Math.toIntExact(p.getShape().size());
        }
        for (Parameter p : buffers) {
            n += Math.toIntExact(p.getShape().size());
        }
        float[] theta = new float[n];
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 0;
        int k = 0;
        for (Parameter p : trained) {
            Shape s = p.getShape();
            int size = Math.toIntExact(s.size());
            switch (p.getType()) {
                case WEIGHT -> {
                    bound = 1 / Math.sqrt(s.size() / (double) s.get(0));
                    k = uniform(theta, k, size, bound, random);
                }
                case BIAS -> k = uniform(theta, k, size, bound, random);
                case GAMMA -> k = fill(theta, k, size, 1f);
                case BETA -> k = fill(theta, k, size, 0f);
                default -> throw new IllegalStateException("no initialisation for " + p.getName() + " (" + p.getType() + ")");
            }
        }
        for (Parameter p : buffers) {
            k = fill(theta, k, Math.toIntExact(p.getShape().size()), p.getType() == Parameter.Type.RUNNING_VAR ? 1f : 0f);
        }
        return theta;
    }

    private static int uniform(float[] theta, int from, int size, double bound, SplittableRandom random) {
        for (int i = from; i < from + size; i++) {
            theta[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return from + size;
    }

    private static int fill(float[] theta, int from, int size, float value) {
        Arrays.fill(theta, from, from + size, value);
        return from + size;
    }
}
