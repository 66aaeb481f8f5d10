package org.adanspark.optim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.TreeSet;

/**
 * Every optimizer by name, built from a map of hyperparameters keyed as {@link Optimizer#hyperparameters()}
 * names them ({@code lr}, {@code weight_decay}, {@code beta1}, …): the one list the command line, the
 * Spark ML params, the checkpoint reader and the reference docs share. Each optimizer declares its own
 * hyperparameters once, with their defaults ({@link #hyperparameters(String)}); two are common to all
 * ({@link #common()}). A name {@code lookahead-<name>} wraps {@code <name>} in {@link Lookahead}, with
 * {@code lookahead_k} and {@code lookahead_alpha}. Any optimizer takes {@code ema_decay}: when it is not 0 a
 * {@link ModelEma} is kept beside it.
 *
 * <p>A key the optimizer does not have is refused by name; a key that is absent keeps the declared default,
 * so {@code create(name, Map.of())} is the optimizer with its defaults and {@link #defaults} lists them.
 */
public final class OptimizerRegistry {

    /** The prefix of a Lookahead-wrapped optimizer's name. */
    public static final String LOOKAHEAD_PREFIX = "lookahead-";
    /** Global gradient-norm clipping, one of {@link #common()}. */
    public static final Hyperparameter<Double> MAX_GRAD_NORM = AbstractOptimizer.MAX_GRAD_NORM;
    /** The non-finite policy, one of {@link #common()}. */
    public static final Hyperparameter<NonFinitePolicy> NON_FINITE = AbstractOptimizer.NON_FINITE;

    /** An optimizer: its name, what it is, its own hyperparameters, and how to build it from values read by them. */
    private record Entry(String name, String summary, List<Hyperparameter<?>> own, Function<Values, Optimizer> build) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(Adan.NAME,
                    "Adan, adaptive Nesterov momentum (Xie et al.): the paper's recommended weight decay and a "
                            + "learning rate several times Adam's; betas in the official code's convention, 1 − the paper's",
                    Adan.HYPERPARAMETERS, v -> common(Adan.builder(), v, Adan.LR, Adan.WEIGHT_DECAY)
                    .betas(v.get(Adan.BETA1), v.get(Adan.BETA2), v.get(Adan.BETA3)).eps(v.get(Adan.EPS))
                    .noProx(v.get(Adan.NO_PROX)).build()),
            new Entry(AdamW.NAME,
                    "AdamW: Adam with decoupled weight decay (Loshchilov & Hutter)",
                    AdamW.HYPERPARAMETERS, v -> moments(common(AdamW.builder(), v, AdamW.LR,
                    AdamW.WEIGHT_DECAY), v, AdamW.EPS).updateClip(v.get(AdamFamily.UPDATE_CLIP)).build()),
            new Entry(Adam.NAME,
                    "Adam (Kingma & Ba); weight decay, if any, added to the gradient (L2)",
                    Adam.HYPERPARAMETERS, v -> moments(common(Adam.builder(), v, Adam.LR,
                    Adam.WEIGHT_DECAY), v, Adam.EPS).updateClip(v.get(AdamFamily.UPDATE_CLIP)).build()),
            new Entry(Lamb.NAME,
                    "LAMB: a layer-wise trust ratio over AdamW's update (You et al.)",
                    Lamb.HYPERPARAMETERS, v -> moments(common(Lamb.builder(), v, Lamb.LR,
                    Lamb.WEIGHT_DECAY), v, Lamb.EPS).build()),
            new Entry(Sgd.NAME,
                    "SGD with (Nesterov) momentum, PyTorch's formulation",
                    Sgd.HYPERPARAMETERS, v -> common(Sgd.builder(), v, Sgd.LR, Sgd.WEIGHT_DECAY)
                    .momentum(v.get(Sgd.MOMENTUM)).dampening(v.get(Sgd.DAMPENING)).nesterov(v.get(Sgd.NESTEROV))
                    .build()),
            new Entry(RAdam.NAME,
                    "RAdam: rectified Adam (Liu et al.)",
                    RAdam.HYPERPARAMETERS, v -> moments(common(RAdam.builder(), v, RAdam.LR,
                    RAdam.WEIGHT_DECAY), v, RAdam.EPS).decoupledWeightDecay(v.get(RAdam.DECOUPLED_WEIGHT_DECAY))
                    .build()),
            new Entry(SetAdam.NAME,
                    "SET-Adam (Zhang): per tensor, the second moment scaled down by cos² of its angle "
                            + "with the all-one vector, eps inside the root, the denominators translated down",
                    SetAdam.HYPERPARAMETERS, v -> moments(common(SetAdam.builder(), v, SetAdam.LR,
                    SetAdam.WEIGHT_DECAY), v, SetAdam.EPS).tau(v.get(SetAdam.TAU)).build()),
            new Entry(Adafactor.NAME,
                    "Adafactor (Shazeer & Stern): a weight matrix keeps only row and column sums of its second moment",
                    Adafactor.HYPERPARAMETERS, v -> common(Adafactor.builder(), v, Adafactor.LR,
                    Adafactor.WEIGHT_DECAY).beta1(v.get(Adafactor.BETA1))
                    .eps(v.get(Adafactor.EPS1), v.get(Adafactor.EPS2)).clipThreshold(v.get(Adafactor.CLIP_THRESHOLD))
                    .decayExponent(v.get(Adafactor.DECAY_EXPONENT)).relativeStep(v.get(Adafactor.RELATIVE_STEP))
                    .scaleParameter(v.get(Adafactor.SCALE_PARAMETER)).build()));

    private static final List<String> NAMES = ENTRIES.stream().map(Entry::name).toList();

    private OptimizerRegistry() {
    }

    /** @return the base optimizers' names, in documentation order: adan, adamw, adam, lamb, sgd, radam, setadam,
     *     adafactor */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * @param name an optimizer name, any case, possibly {@code lookahead-<name>}
     * @return the lower-case name, checked
     * @throws IllegalArgumentException naming the value and the names there are
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        String base = n.startsWith(LOOKAHEAD_PREFIX) ? n.substring(LOOKAHEAD_PREFIX.length()) : n;
        if (!NAMES.contains(base)) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of "
                    + String.join(", ", NAMES) + ", or lookahead-<one of them>");
        }
        return n;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return the name of the optimizer whose update it runs ({@code <name>} for Lookahead)
     */
    public static String baseName(String name) {
        String n = canonical(name);
        return n.startsWith(LOOKAHEAD_PREFIX) ? n.substring(LOOKAHEAD_PREFIX.length()) : n;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return the base optimizer's own hyperparameters with their defaults, in documentation order (for a
     *     Lookahead name, the inner optimizer's; {@link Lookahead#HYPERPARAMETERS} are its own)
     */
    public static List<Hyperparameter<?>> hyperparameters(String name) {
        return entry(baseName(name)).own();
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return what the base optimizer is, one sentence, for reference pages
     */
    public static String summary(String name) {
        return entry(baseName(name)).summary();
    }

    /** @return the hyperparameters every optimizer has besides its own: gradient clipping and the non-finite policy */
    public static List<Hyperparameter<?>> common() {
        return AbstractOptimizer.COMMON;
    }

    /**
     * Builds an optimizer.
     *
     * @param name its name, possibly {@code lookahead-<name>}
     * @param hyperparameters values by {@link Optimizer#hyperparameters()} key: numbers, booleans, and for
     *     {@code non_finite} the policy's name; absent keys keep the defaults
     * @return the optimizer
     * @throws IllegalArgumentException naming an unknown name, an unknown key, or an invalid value
     */
    public static Optimizer create(String name, Map<String, ?> hyperparameters) {
        String n = canonical(name);
        Values v = new Values(n, hyperparameters);
        Optimizer built = entry(baseName(n)).build().apply(v);
        if (n.startsWith(LOOKAHEAD_PREFIX)) {
            built = Lookahead.wrap(built, v.get(Lookahead.K), v.get(Lookahead.ALPHA));
        }
        double emaDecay = v.get(ModelEma.DECAY);
        if (emaDecay != 0) {
            built = ModelEma.wrap(built, emaDecay);
        }
        v.refuseUnused(built);
        return built;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return its hyperparameters with every default, in {@link Optimizer#hyperparameters()} order
     */
    public static Map<String, Object> defaults(String name) {
        return create(name, Map.of()).hyperparameters();
    }

    private static Entry entry(String base) {
        return ENTRIES.stream().filter(e -> e.name().equals(base)).findFirst().orElseThrow();
    }

    private static <B extends AbstractOptimizer.Builder<B, ?>> B common(B b, Values v, Hyperparameter<Double> lr,
                                                                       Hyperparameter<Double> weightDecay) {
        return b.lr(v.get(lr)).weightDecay(v.get(weightDecay)).maxGradNorm(v.get(AbstractOptimizer.MAX_GRAD_NORM))
                .nonFinitePolicy(v.get(AbstractOptimizer.NON_FINITE));
    }

    private static <B extends TwoMomentBuilder<B, ?>> B moments(B b, Values v, Hyperparameter<Double> eps) {
        return b.betas(v.get(TwoMomentBuilder.BETA1), v.get(TwoMomentBuilder.BETA2)).eps(v.get(eps));
    }

    /** The given values, each read once; what is left over names a key the optimizer does not have. */
    private static final class Values {
        final String name;
        final Map<String, ?> given;
        final Set<String> read = new TreeSet<>();

        Values(String name, Map<String, ?> given) {
            this.name = name;
            this.given = given == null ? Map.of() : new HashMap<>(given);
        }

        <T> T get(Hyperparameter<T> h) {
            read.add(h.key());
            return h.read(name, given.get(h.key()));
        }

        void refuseUnused(Optimizer built) {
            List<String> unknown = new ArrayList<>();
            for (String key : given.keySet()) {
                if (!read.contains(key)) {
                    unknown.add(key);
                }
            }
            if (!unknown.isEmpty()) {
                Map<String, Object> known = new LinkedHashMap<>(built.hyperparameters());
                throw new IllegalArgumentException(name + " has no hyperparameter " + String.join(", ", unknown)
                        + "; its hyperparameters are " + String.join(", ", known.keySet()));
            }
        }
    }
}
