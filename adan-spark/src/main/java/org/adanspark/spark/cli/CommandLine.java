package org.adanspark.spark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.adanspark.spark.train.OptimizerSpec;

/**
 * Turns {@code adan-train} flags into a Typesafe {@link Config}: flags over the {@code --config} file
 * (over {@code reference.conf}, applied later by {@link org.adanspark.spark.train.TrainSettings}).
 * {@code --lr} and {@code --weight-decay} set the chosen optimizer's own keys
 * ({@code adan.optimizer.<name>.lr}). An unknown flag or a flag without its value is an
 * {@link IllegalArgumentException} naming it.
 */
public final class CommandLine {

    /** Flags that take a value, and the configuration key each sets. */
    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("--data", "adan.data.source");
        KEYS.put("--data-dir", "adan.data.dir");
        KEYS.put("--model", "adan.model.spec");
        KEYS.put("--optimizer", "adan.optimizer.name");
        KEYS.put("--lr", null);
        KEYS.put("--weight-decay", null);
        KEYS.put("--global-batch", "adan.train.global-batch");
        KEYS.put("--micro-batch", "adan.train.micro-batch");
        KEYS.put("--epochs", "adan.train.epochs");
        KEYS.put("--max-steps", "adan.train.max-steps");
        KEYS.put("--warmup-steps", "adan.schedule.warmup-steps");
        KEYS.put("--seed", "adan.train.seed");
        KEYS.put("--shards", "adan.optimizer.shards");
        KEYS.put("--allreduce", "adan.train.allreduce");
        KEYS.put("--master", "adan.spark.master");
        KEYS.put("--config", null);
        KEYS.put("--checkpoint-dir", "adan.checkpoint.dir");
        KEYS.put("--checkpoint-every", "adan.checkpoint.every");
        KEYS.put("--metrics-out", "adan.output.metrics");
        KEYS.put("--save-model", "adan.output.model");
        KEYS.put("--conf", null);
    }

    /** The usage text of {@code --help}. */
    public static final String USAGE = String.join("\n",
            "usage: adan-train [flags]      (spark-submit --class org.adanspark.spark.cli.TrainMain <jar> [flags])",
            "  --data fashion-mnist|mnist|libsvm:PATH|csv:PATH|parquet:PATH   training data (test split: t10k, PATH.t)",
            "  --data-dir DIR            where to look for IDX data sets first",
            "  --model SPEC              linear | mlp:256,256[:activation=relu][:dropout=0.1] | lenet | json:PATH",
            "  --optimizer NAME          adan | adamw | adam | lamb | sgd | radam | lookahead-<name>",
            "  --lr X, --weight-decay X  the chosen optimizer's peak learning rate and weight decay",
            "  --global-batch N          examples per step over all partitions (256 … 32768)",
            "  --micro-batch N           examples per forward/backward pass on an executor",
            "  --epochs N, --max-steps N, --warmup-steps N, --seed N",
            "  --shards N                optimizer state shards (and reduce-scatter partitions)",
            "  --allreduce sharded|tree  how gradients are summed",
            "  --master URL              Spark master (default: spark-submit's, else local[*,4])",
            "  --config FILE             a Typesafe Config file over reference.conf (see conf/application.conf)",
            "  --conf KEY=VALUE          any configuration key, e.g. --conf adan.schedule.kind=constant",
            "  --checkpoint-dir DIR      checkpoints on any Hadoop file system; --checkpoint-every N steps",
            "  --resume                  continue from the newest valid checkpoint in --checkpoint-dir",
            "  --metrics-out FILE        JSON lines: one per step, one per epoch, a final one",
            "  --save-model DIR          write the trained DL4J model (model.zip) there",
            "Precedence: flags > --config FILE > reference.conf.");

    private CommandLine() {
    }

    /**
     * @param args the command line
     * @return the user's configuration (flags over the file), without reference defaults; null when
     *     {@code --help} was asked for
     * @throws IllegalArgumentException naming an unknown flag, a missing value or an unreadable file
     */
    public static Config parse(String[] args) {
        Map<String, Object> flags = new LinkedHashMap<>();
        String configFile = null;
        String lr = null;
        String weightDecay = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (arg.equals("--resume")) {
                flags.put("adan.checkpoint.resume", true);
                continue;
            }
            String flag = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                value = null;
            }
            if (!KEYS.containsKey(flag)) {
                throw new IllegalArgumentException("unknown flag '" + arg + "'; see --help");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--config" -> configFile = value;
                case "--lr" -> lr = value;
                case "--weight-decay" -> weightDecay = value;
                case "--conf" -> {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        throw new IllegalArgumentException("--conf needs KEY=VALUE, got '" + value + "'");
                    }
                    flags.put(value.substring(0, kv).trim(), parseValue(value.substring(kv + 1)));
                }
                default -> flags.put(KEYS.get(flag), value);
            }
        }
        Config user = ConfigFactory.parseMap(flags, "command-line flags");
        if (configFile != null) {
            File f = new File(configFile);
            if (!f.isFile()) {
                throw new IllegalArgumentException("--config " + configFile + ": no such file");
            }
            user = user.withFallback(ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)));
        }
        if (lr != null || weightDecay != null) {
            String name = user.hasPath("adan.optimizer.name") ? user.getString("adan.optimizer.name")
                    : ConfigFactory.defaultReference(CommandLine.class.getClassLoader()).getString("adan.optimizer.name");
            String base = OptimizerSpec.baseName(name);
            Map<String, Object> opt = new LinkedHashMap<>();
            if (lr != null) {
                opt.put("adan.optimizer." + base + ".lr", lr);
            }
            if (weightDecay != null) {
                opt.put("adan.optimizer." + base + ".weight-decay", weightDecay);
            }
            user = ConfigFactory.parseMap(opt, "command-line flags").withFallback(user);
        }
        return user;
    }

    /** A {@code --conf} value: a HOCON value when it parses as one (number, list, boolean), else a string. */
    private static Object parseValue(String raw) {
        try {
            Config c = ConfigFactory.parseString("v = " + raw);
            return c.getValue("v").unwrapped();
        } catch (RuntimeException e) {
            return raw;
        }
    }
}
