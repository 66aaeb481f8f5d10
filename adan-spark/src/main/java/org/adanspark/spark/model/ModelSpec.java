package org.adanspark.spark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which model to train, typed: a preset the backend builds for the data's shape, or a file holding a model
 * definition the backend reads. What {@code --model} and the estimators' {@code modelSpec} say, parsed once
 * by {@link #parse}; the estimators' {@code hiddenLayers} make an {@link Mlp} directly.
 * <ul>
 *   <li>{@code linear}: softmax regression ({@link Linear});</li>
 *   <li>{@code mlp:256,256}: dense hidden layers of those widths, then the output layer ({@link Mlp});</li>
 *   <li>{@code lenet}: LeNet-5 style CNN for 28×28×1 images (conv 5×5×20, max-pool, conv 5×5×50,
 *       max-pool, dense 500, output) ({@link LeNet});</li>
 *   <li>{@code resnet}: a residual CNN for 28×28 or 32×32 images of 1 or 3 channels, options
 *       {@code depth=6n+2} (default 8) and {@code width=W} (channels of the first stage, default 16)
 *       ({@link ResNet});</li>
 *   <li>{@code charlm}: a character language model over token windows, options
 *       {@code body=attention|lstm} (default attention), {@code layers=L} (default 2), {@code width=W}
 *       (default 128) and {@code heads=H} (default 4) ({@link CharLm});</li>
 *   <li>{@code json:PATH} (or a path ending in {@code .json}): a DL4J configuration in DL4J's JSON, a
 *       {@code MultiLayerConfiguration} or a {@code ComputationGraphConfiguration} of one input and one
 *       output ({@link Definition});</li>
 *   <li>{@code torchscript:PATH} (or a path ending in {@code .pt}): a TorchScript module of one input and one
 *       output, its output the logits of a classifier or the prediction of a regressor, trained by the
 *       PyTorch backend ({@link Definition}).</li>
 * </ul>
 * Presets take options after a colon: {@code activation=relu|tanh|sigmoid|elu|leakyrelu|gelu|swish}
 * (default relu) and {@code dropout=P}, the probability of dropping a hidden unit (default 0), e.g.
 * {@code mlp:512,256:activation=tanh:dropout=0.2}, {@code resnet:depth=14:width=32},
 * {@code charlm:body=lstm:layers=1:width=256}. Every preset ends in the output layer of its
 * {@link Objective}, uses float32 and carries no optimizer of its own: the run's optimizer trains it.
 */
public sealed interface ModelSpec extends Serializable
        permits ModelSpec.Linear, ModelSpec.Mlp, ModelSpec.LeNet, ModelSpec.ResNet, ModelSpec.CharLm,
        ModelSpec.Definition {

    /** A hidden layer's activation function. */
    enum Activation {
        RELU, TANH, SIGMOID, ELU, LEAKYRELU, GELU, SWISH;

        /** @return its name in a spec, e.g. {@code leakyrelu} */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a preset's hidden layers share: their activation and dropout. */
    record Hidden(Activation activation, double dropout) implements Serializable {

        /** ReLU, no dropout: the presets' defaults. */
        public static final Hidden DEFAULT = new Hidden(Activation.RELU, 0);

        /**
         * @param activation the hidden layers' activation
         * @param dropout the probability of dropping a hidden unit, in [0, 1)
         * @throws IllegalArgumentException when dropout is outside [0, 1)
         */
        public Hidden {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
        }

        /** @return the probability of keeping a hidden unit */
        public double retain() {
            return 1.0 - dropout;
        }
    }

    /**
     * Softmax regression (or a linear regressor).
     *
     * @param hidden unused options the spec may give, kept for its text
     */
    record Linear(Hidden hidden) implements ModelSpec {
        @Override
        public String toString() {
            return "linear" + options(hidden);
        }
    }

    /**
     * Dense hidden layers, then the output layer.
     *
     * @param widths the hidden layers' widths, each ≥ 1
     * @param hidden their activation and dropout
     */
    record Mlp(int[] widths, Hidden hidden) implements ModelSpec {

        /**
         * @throws IllegalArgumentException when there is no width or one is not positive
         */
        public Mlp {
            if (widths.length == 0) {
                throw new IllegalArgumentException("mlp needs hidden widths, e.g. mlp:256,256");
            }
            for (int w : widths) {
                if (w < 1) {
                    throw new IllegalArgumentException("hidden width " + w + " is not a positive integer");
                }
            }
            widths = widths.clone();
        }

        @Override
        public int[] widths() {
            return widths.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mlp m && Arrays.equals(widths, m.widths) && hidden.equals(m.hidden);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(widths) + hidden.hashCode();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("mlp:");
            for (int i = 0; i < widths.length; i++) {
                b.append(i == 0 ? "" : ",").append(widths[i]);
            }
            return b + options(hidden);
        }
    }

    /**
     * LeNet-5 for 28×28×1 images.
     *
     * @param hidden the dense layer's activation, and dropout before the output layer
     */
    record LeNet(Hidden hidden) implements ModelSpec {
        @Override
        public String toString() {
            return "lenet" + options(hidden);
        }
    }

    /**
     * A residual CNN.
     *
     * @param depth layers, 6n + 2 with n ≥ 1
     * @param width channels of the first stage
     * @param hidden activation, and dropout before the output layer
     */
    record ResNet(int depth, int width, Hidden hidden) implements ModelSpec {

        /**
         * @throws IllegalArgumentException when depth is not 6n + 2 or width is not positive
         */
        public ResNet {
            if (depth < 8 || (depth - 2) % 6 != 0) {
                throw new IllegalArgumentException("resnet depth must be 6n + 2 with n >= 1 (8, 14, 20, …), got "
                        + depth);
            }
            if (width < 1) {
                throw new IllegalArgumentException("resnet width must be positive, got " + width);
            }
        }

        @Override
        public String toString() {
            return "resnet:depth=" + depth + ":width=" + width + options(hidden);
        }
    }

    /**
     * A character language model over token windows.
     *
     * @param body causal self-attention blocks or LSTM layers
     * @param layers blocks or layers
     * @param width the model's width
     * @param heads attention heads (attention body)
     */
    record CharLm(Body body, int layers, int width, int heads) implements ModelSpec {

        /** The body of a character model. */
        public enum Body {
            /** Causal self-attention blocks over a learned position embedding. */
            ATTENTION,
            /** LSTM layers. */
            LSTM;

            /**
             * @param name {@code attention} (or {@code transformer}) or {@code lstm}
             * @return the body
             * @throws IllegalArgumentException for any other name
             */
            public static Body parse(String name) {
                return switch (name.trim().toLowerCase(Locale.ROOT)) {
                    case "attention", "transformer" -> ATTENTION;
                    case "lstm" -> LSTM;
                    default -> throw new IllegalArgumentException("unknown charlm body '" + name
                            + "'; use attention or lstm");
                };
            }
        }

        /**
         * @throws IllegalArgumentException when a size is not positive, or the width not a multiple of heads
         */
        public CharLm {
            if (layers < 1 || width < 1 || heads < 1) {
                throw new IllegalArgumentException("charlm layers, width and heads must be positive, got " + layers
                        + ", " + width + ", " + heads);
            }
            if (body == Body.ATTENTION && width % heads != 0) {
                throw new IllegalArgumentException("charlm width " + width + " must be a multiple of heads " + heads);
            }
        }

        @Override
        public boolean isLanguageModel() {
            return true;
        }

        @Override
        public String toString() {
            return "charlm:body=" + body.name().toLowerCase(Locale.ROOT) + ":layers=" + layers + ":width=" + width
                    + ":heads=" + heads;
        }
    }

    /**
     * A model definition in a file a backend reads as it is, in a format a backend declares
     * ({@link ComputeBackend#formats}: {@code json:PATH}, a DL4J configuration; {@code torchscript:PATH}, a
     * TorchScript module).
     *
     * @param format the definition's format: a {@link ComputeBackend.DefinitionFormat#prefix()}
     * @param path the file
     */
    record Definition(String format, String path) implements ModelSpec {
        @Override
        public String toString() {
            return format + ":" + path;
        }
    }

    /** @return true for a model over token windows, which needs {@code --data text:PATH} */
    default boolean isLanguageModel() {
        return false;
    }

    /**
     * Parses {@code --model}.
     *
     * @param spec the spec
     * @return it, typed
     * @throws IllegalArgumentException naming the spec and the part that is wrong
     */
    static ModelSpec parse(String spec) {
        String s = spec.trim();
        List<ComputeBackend.DefinitionFormat> formats = ComputeBackend.allFormats();
        for (ComputeBackend.DefinitionFormat f : formats) {
            if (s.startsWith(f.prefix() + ":")) {
                return new Definition(f.prefix(), s.substring(f.prefix().length() + 1));
            }
        }
        for (ComputeBackend.DefinitionFormat f : formats) {
            if (s.endsWith(f.suffix())) {
                return new Definition(f.prefix(), s);
            }
        }
        String[] parts = s.split(":");
        String kind = parts[0].toLowerCase(Locale.ROOT);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        switch (kind) {
            case "linear", "mlp", "lenet" -> { }
            case "resnet" -> {
                sizes.put("depth", 8);
                sizes.put("width", 16);
            }
            case "charlm" -> {
                sizes.put("layers", 2);
                sizes.put("width", 128);
                sizes.put("heads", 4);
            }
            default -> throw new IllegalArgumentException("model '" + spec + "': unknown kind '" + parts[0]
                    + "'; use linear, mlp:W1,W2,…, lenet, resnet, charlm" + formats.stream()
                    .map(f -> ", " + f.prefix() + ":PATH").collect(java.util.stream.Collectors.joining())
                    .replaceFirst(", ([^,]*)$", " or $1"));
        }
        int[] widths = new int[0];
        int first = 1;
        if (kind.equals("mlp")) {
            if (parts.length < 2 || parts[1].contains("=")) {
                throw new IllegalArgumentException("model '" + spec + "': mlp needs hidden widths, e.g. mlp:256,256");
            }
            String[] w = parts[1].split(",");
            widths = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                widths[i] = Parse.positive(spec, "hidden width", w[i]);
            }
            first = 2;
        }
        Activation activation = Activation.RELU;
        double dropout = 0;
        CharLm.Body body = CharLm.Body.ATTENTION;
        for (int i = first; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("model '" + spec + "': option '" + parts[i] + "' is not key=value");
            }
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (sizes.containsKey(key)) {
                sizes.put(key, Parse.positive(spec, key, kv[1]));
                continue;
            }
            switch (key) {
                case "activation" -> activation = Parse.activation(spec, kv[1].trim());
                case "dropout" -> dropout = Parse.dropout(spec, kv[1]);
                case "body" -> {
                    if (!kind.equals("charlm")) {
                        throw Parse.unknownOption(spec, kind, key, sizes);
                    }
                    try {
                        body = CharLm.Body.parse(kv[1]);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("model '" + spec + "': " + e.getMessage(), e);
                    }
                }
                default -> throw Parse.unknownOption(spec, kind, key, sizes);
            }
        }
        Hidden hidden = new Hidden(activation, dropout);
        try {
            return switch (kind) {
                case "linear" -> new Linear(hidden);
                case "mlp" -> new Mlp(widths, hidden);
                case "lenet" -> new LeNet(hidden);
                case "resnet" -> new ResNet(sizes.get("depth"), sizes.get("width"), hidden);
                default -> new CharLm(body, sizes.get("layers"), sizes.get("width"), sizes.get("heads"));
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + spec + "': " + e.getMessage(), e);
        }
    }

    /** The option text of a preset's hidden settings, empty for the defaults. */
    private static String options(Hidden hidden) {
        return (hidden.activation() == Activation.RELU ? "" : ":activation=" + hidden.activation().specName())
                + (hidden.dropout() == 0 ? "" : ":dropout=" + hidden.dropout());
    }

    /** Reading a spec's parts, each error naming the spec. */
    final class Parse {
        private Parse() {
        }

        static IllegalArgumentException unknownOption(String spec, String kind, String key, Map<String, Integer> sizes) {
            List<String> options = new ArrayList<>(List.of("activation", "dropout"));
            options.addAll(sizes.keySet());
            if (kind.equals("charlm")) {
                options.add("body");
            }
            return new IllegalArgumentException("model '" + spec + "': unknown option '" + key + "'; options are "
                    + String.join(", ", options));
        }

        static int positive(String spec, String what, String value) {
            int v;
            try {
                v = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 1) {
                throw new IllegalArgumentException("model '" + spec + "': " + what + " '" + value
                        + "' is not a positive integer");
            }
            return v;
        }

        static double dropout(String spec, String value) {
            double d;
            try {
                d = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException("model '" + spec + "': dropout must be in [0, 1), got " + value);
            }
            return d;
        }

        static Activation activation(String spec, String name) {
            try {
                return Activation.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + spec + "': unknown activation '" + name
                        + "'; use relu, tanh, sigmoid, elu, leakyrelu, gelu or swish", e);
            }
        }
    }
}
