package org.adanspark.spark.model.torch;

import ai.djl.Device;
import java.util.Base64;
import java.util.Locale;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;

/**
 * What a PyTorch model is, as text: what a saved model's definition file holds and what its fingerprint is
 * of. Either a TorchScript module ({@link Script}) or a preset built from DJL's blocks ({@link Preset}); both
 * carry the objective their output is trained on (the network gives logits or a prediction; the loss is the
 * run's).
 */
sealed interface TorchDefinition permits TorchDefinition.Script, TorchDefinition.Preset {

    /** @return what the output predicts and the loss it is trained on */
    Objective objective();

    /**
     * @return whether a training pass draws random numbers: then each pass is seeded and run alone in its
     *     JVM, since libtorch has one generator per process ({@link TorchModule#addGradient})
     */
    boolean draws();

    /** @return the definition as text */
    String encode();

    /**
     * @param exampleShape the shape of one example at the input (empty while it is being probed)
     * @param device where it computes
     * @return a module of it, loaded in this JVM
     * @throws IllegalArgumentException when it cannot be loaded, naming why
     */
    TorchModule load(int[] exampleShape, Device device);

    /**
     * @param module a module of this definition, as {@link #load} gave it
     * @return its initial θ
     */
    float[] initialTheta(TorchModule module);

    /** @return the file name of the native form {@link TorchModule#write} writes */
    String nativeFile();

    /** @return the file name a saved model keeps this definition under */
    String definitionFile();

    /**
     * A TorchScript module:
     * <pre>
     *   adan-torchscript 1
     *   objective classification 10        (or: objective squared, objective huber 1.0)
     *   draws false                        (true: its training pass draws random numbers, e.g. dropout)
     *   &lt;the module's bytes, Base64&gt;
     * </pre>
     * Its initial θ is the one it was saved with.
     *
     * @param module the TorchScript module, as {@code torch.jit.save} wrote it
     * @param objective what its output predicts and the loss it is trained on
     * @param draws whether its training pass draws random numbers
     */
    record Script(byte[] module, Objective objective, boolean draws) implements TorchDefinition {

        static final String HEADER = "adan-torchscript 1";

        @Override
        public String encode() {
            return HEADER + "\n" + objectiveLine(objective) + "\ndraws " + draws + "\n"
                    + Base64.getEncoder().encodeToString(module) + "\n";
        }

        @Override
        public TorchModule load(int[] exampleShape, Device device) {
            ScriptModule m = ScriptModule.load(module, exampleShape, objective, device);
            m.draws(draws);
            return m;
        }

        @Override
        public float[] initialTheta(TorchModule module) {
            return module.theta();
        }

        @Override
        public String nativeFile() {
            return "model.pt";
        }

        @Override
        public String definitionFile() {
            return "torchscript.txt";
        }
    }

    /**
     * A preset on DJL's blocks ({@link TorchPresets}):
     * <pre>
     *   adan-torch-preset 1
     *   objective classification 10
     *   seed 42
     *   resnet:depth=8:width=16:activation=relu
     * </pre>
     * Its initial θ is drawn from the seed.
     *
     * @param spec the preset
     * @param objective what its output predicts and the loss it is trained on
     * @param seed the initialisation's seed
     */
    record Preset(ModelSpec spec, Objective objective, long seed) implements TorchDefinition {

        static final String HEADER = "adan-torch-preset 1";

        @Override
        public boolean draws() {
            return dropout(spec) > 0;
        }

        private static double dropout(ModelSpec spec) {
            if (spec instanceof ModelSpec.Mlp m) {
                return m.hidden().dropout();
            }
            if (spec instanceof ModelSpec.LeNet l) {
                return l.hidden().dropout();
            }
            return spec instanceof ModelSpec.ResNet r ? r.hidden().dropout() : 0;
        }

        @Override
        public String encode() {
            return HEADER + "\n" + objectiveLine(objective) + "\nseed " + seed + "\n" + spec + "\n";
        }

        @Override
        public TorchModule load(int[] exampleShape, Device device) {
            BlockModule m = BlockModule.build(spec, exampleShape, objective, device);
            m.draws(draws());
            return m;
        }

        @Override
        public float[] initialTheta(TorchModule module) {
            return ((BlockModule) module).initialTheta(seed);
        }

        @Override
        public String nativeFile() {
            return "model.params";
        }

        @Override
        public String definitionFile() {
            return "pytorch-preset.txt";
        }
    }

    private static String objectiveLine(Objective objective) {
        return "objective " + (objective.isClassification() ? "classification " + objective.numClasses()
                : objective.regressionLoss() == Objective.RegressionLoss.SQUARED ? "squared"
                : "huber " + objective.huberDelta());
    }

    /**
     * @param text a definition {@link #encode} wrote
     * @return it
     * @throws IllegalArgumentException when the text is not one
     */
    static TorchDefinition decode(String text) {
        String[] lines = text.split("\n");
        boolean script = lines.length >= 4 && lines[0].equals(Script.HEADER) && lines[2].startsWith("draws ");
        boolean preset = lines.length >= 4 && lines[0].equals(Preset.HEADER) && lines[2].startsWith("seed ");
        if (!(script || preset) || !lines[1].startsWith("objective ")) {
            throw new IllegalArgumentException("not a PyTorch model definition (its first line is neither '"
                    + Script.HEADER + "' nor '" + Preset.HEADER + "')");
        }
        String[] goal = lines[1].substring("objective ".length()).trim().split(" ");
        Objective objective = switch (goal[0].toLowerCase(Locale.ROOT)) {
            case "classification" -> Objective.classification(Integer.parseInt(goal[1]));
            case "squared" -> Objective.squaredError();
            case "huber" -> Objective.huber(Double.parseDouble(goal[1]));
            default -> throw new IllegalArgumentException("unknown objective '" + lines[1] + "'");
        };
        if (preset) {
            return new Preset(ModelSpec.parse(lines[3].trim()), objective,
                    Long.parseLong(lines[2].substring("seed ".length()).trim()));
        }
        boolean draws = Boolean.parseBoolean(lines[2].substring("draws ".length()).trim());
        return new Script(Base64.getDecoder().decode(lines[3].trim()), objective, draws);
    }
}
