package org.adanspark.spark.model.torch;

import java.util.Base64;
import java.util.Locale;
import org.adanspark.spark.model.Objective;

/**
 * What a PyTorch model is, as text: the TorchScript module's bytes and the objective its output is trained
 * on (the module gives logits or a prediction; the loss is the run's). What a saved model's definition
 * file holds and what its fingerprint is of:
 * <pre>
 *   adan-torchscript 1
 *   objective classification 10        (or: objective squared, objective huber 1.0)
 *   draws false                        (true: its training pass draws random numbers, e.g. dropout)
 *   &lt;the module's bytes, Base64&gt;
 * </pre>
 *
 * @param module the TorchScript module, as {@code torch.jit.save} wrote it
 * @param objective what its output predicts and the loss it is trained on
 * @param draws whether its training pass draws random numbers: then each pass is seeded and run alone in its
 *     JVM, since libtorch has one generator per process ({@link TorchModule#addGradient})
 */
record TorchDefinition(byte[] module, Objective objective, boolean draws) {

    private static final String HEADER = "adan-torchscript 1";

    /** @return the definition as text */
    String encode() {
        String goal = objective.isClassification() ? "classification " + objective.numClasses()
                : objective.regressionLoss() == Objective.RegressionLoss.SQUARED ? "squared"
                : "huber " + objective.huberDelta();
        return HEADER + "\nobjective " + goal + "\ndraws " + draws + "\n" + Base64.getEncoder().encodeToString(module)
                + "\n";
    }

    /**
     * @param text a definition {@link #encode} wrote
     * @return it
     * @throws IllegalArgumentException when the text is not one
     */
    static TorchDefinition decode(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 4 || !lines[0].equals(HEADER) || !lines[1].startsWith("objective ")
                || !lines[2].startsWith("draws ")) {
            throw new IllegalArgumentException("not a PyTorch model definition (its first line is not '" + HEADER + "')");
        }
        String[] goal = lines[1].substring("objective ".length()).trim().split(" ");
        Objective objective = switch (goal[0].toLowerCase(Locale.ROOT)) {
            case "classification" -> Objective.classification(Integer.parseInt(goal[1]));
            case "squared" -> Objective.squaredError();
            case "huber" -> Objective.huber(Double.parseDouble(goal[1]));
            default -> throw new IllegalArgumentException("unknown objective '" + lines[1] + "'");
        };
        boolean draws = Boolean.parseBoolean(lines[2].substring("draws ".length()).trim());
        return new TorchDefinition(Base64.getDecoder().decode(lines[3].trim()), objective, draws);
    }
}
