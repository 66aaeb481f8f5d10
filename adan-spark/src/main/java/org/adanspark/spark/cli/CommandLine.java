package org.adanspark.spark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;

/**
 * Turns {@code adan-train} flags into a Typesafe {@link Config}: flags over the {@code --config} file
 * (over {@code reference.conf}, applied later by {@link org.adanspark.spark.run.RunPlan}).
 * {@code --lr} and {@code --weight-decay} set the chosen optimizer's own keys
 * ({@code adan.optimizer.<name>.lr}). An unknown flag or a flag without its value is an
 * {@link IllegalArgumentException} naming it.
 */
public final class CommandLine {

    /**
     * Every flag, in the order {@code --help} lists them: the one definition parsing and docs share, made from
     * the settings' declarations ({@link Settings#FLAGGED}) and the three flags that set no single key.
     */
    public static final List<Flag> FLAGS = flags();

    private static final Map<String, Flag> BY_NAME = new LinkedHashMap<>();

    static {
        for (Flag f : FLAGS) {
            BY_NAME.put(f.name(), f);
        }
        BY_NAME.put("-h", BY_NAME.get("--help"));
    }

    private static List<Flag> flags() {
        List<Flag> flags = new ArrayList<>();
        for (Setting setting : Settings.FLAGGED) {
            flags.add(Flag.of(setting));
            if (setting == Settings.MASTER) {
                flags.add(new Flag("--config", "FILE", "",
                        "a Typesafe Config file over reference.conf (see conf/application.conf)"));
                flags.add(new Flag("--conf", "KEY=VALUE", "", "any configuration key (--conf adan.schedule.kind=constant),"
                        + " or a Spark property (--conf spark.authenticate=true)"));
            }
        }
        flags.add(new Flag("--help", "", "", "print this list and exit"));
        return List.copyOf(flags);
    }

    /** The usage text of {@code --help}, generated from {@link #FLAGS}. */
    public static final String USAGE = usage();

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
        Map<Flag, String> perOptimizer = new LinkedHashMap<>();
        Map<String, String> sparkProperties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                value = null;
            }
            Flag def = BY_NAME.get(flag);
            if (def == null) {
                throw new IllegalArgumentException("unknown flag '" + arg + "'" + suggestion(flag) + "; see --help");
            }
            if (def.name().equals("--help")) {
                return null;
            }
            if (!def.takesValue()) {
                if (value != null) {
                    throw new IllegalArgumentException("flag " + flag + " takes no value, got '" + arg + "'");
                }
                flags.put(def.key(), true);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value");
                }
                if (args[i + 1].startsWith("--")) { // --epochs --max-steps 1: the value was forgotten
                    throw new IllegalArgumentException("flag " + flag + " needs a value (" + def.value() + "), got the flag "
                            + args[i + 1]);
                }
                value = args[++i];
            }
            checkNumber(def, value);
            if (def.perOptimizer()) {
                perOptimizer.put(def, value);
                continue;
            }
            switch (flag) {
                case "--config" -> configFile = value;
                case "--conf" -> {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        throw new IllegalArgumentException("--conf needs KEY=VALUE, got '" + value + "'");
                    }
                    String key = value.substring(0, kv).trim();
                    if (key.startsWith("spark.")) { // a Spark property, as spark-submit's --conf takes it
                        sparkProperties.put(key, value.substring(kv + 1));
                    } else {
                        flags.put(key, parseValue(value.substring(kv + 1)));
                    }
                }
                default -> flags.put(def.key(), value);
            }
        }
        Config user;
        try {
            user = ConfigFactory.parseMap(flags, "command-line flags");
        } catch (ConfigException e) { // e.g. --conf a.b=1 with --conf a.b.c=2: a key both a value and a parent
            throw new IllegalArgumentException("--conf: keys that cannot be set together: " + e.getMessage(), e);
        }
        if (!sparkProperties.isEmpty()) { // taken whole: Spark's names (spark.authenticate[.secret]) nest
            user = user.withValue(Settings.SPARK_CONF.key(), ConfigValueFactory.fromMap(sparkProperties, "--conf flags"));
        }
        if (configFile != null) {
            File f = new File(configFile);
            if (!f.isFile()) {
                throw new IllegalArgumentException("--config " + configFile + ": no such file");
            }
            try {
                user = user.withFallback(ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)));
            } catch (ConfigException e) { // a syntax error: the message gives the file and line
                throw new IllegalArgumentException("--config " + configFile + ": " + e.getMessage(), e);
            }
        }
        if (!perOptimizer.isEmpty()) {
            String key = Settings.OPTIMIZER.key();
            String name = user.hasPath(key) ? user.getString(key)
                    : ConfigFactory.defaultReference(CommandLine.class.getClassLoader()).getString(key);
            String base = OptimizerSpec.baseName(name);
            Map<String, Object> opt = new LinkedHashMap<>();
            perOptimizer.forEach((def, value) -> opt.put(def.keyFor(base), value));
            user = ConfigFactory.parseMap(opt, "command-line flags").withFallback(user);
        }
        return user;
    }

    /** A flag whose value is a count ({@code N}) or a number ({@code X}, {@code D}) gets one, named by the flag. */
    private static void checkNumber(Flag def, String value) {
        String v = value.trim();
        try {
            switch (def.value()) {
                case "N" -> Long.parseLong(v);
                case "X", "D" -> Double.parseDouble(v);
                default -> {
                    return;
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flag " + def.name() + " needs " + (def.value().equals("N")
                    ? "a whole number" : "a number") + ", got '" + value + "'");
        }
    }

    /** @return "; did you mean --x?" for the flag nearest a misspelt one (at most two edits), else "" */
    static String suggestion(String flag) {
        String best = null;
        int bestDistance = 3;
        for (String name : BY_NAME.keySet()) {
            int d = editDistance(flag, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean " + best + "?";
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String usage() {
        StringBuilder b = new StringBuilder(
                "usage: adan-train [flags]      (spark-submit --class org.adanspark.spark.cli.TrainMain <jar> [flags])\n");
        for (Flag f : FLAGS) {
            b.append(String.format("  %-26s %s\n", f.synopsis(), f.help()));
        }
        return b.append("Precedence: flags > --config FILE > reference.conf. Every key: docs/CONFIGURATION.md.").toString();
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
