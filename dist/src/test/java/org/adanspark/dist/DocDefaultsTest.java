package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.adanspark.spark.cli.CommandLine;
import org.adanspark.spark.cli.Flag;
import org.adanspark.spark.ml.AdanNetClassifier;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;

/**
 * Every default the docs' prose states for a configuration key or a flag is reference.conf's. The generated
 * pages (CLI.md, CONFIGURATION.md) are checked against the code by DocumentedCommandsTest; this checks the
 * sentences and tables written by hand, in the forms they use:
 * <ul>
 *   <li>{@code `adan.train.barrier-timeout` (10 minutes)}: a key, then its value in brackets;</li>
 *   <li>{@code (`--blas-kernel`, default `Haswell`)}, {@code `--compute-threads` threads (default 1)},
 *       {@code (`adan.data.window`, default 64)}: a key or flag, then "default" and the value;</li>
 *   <li>{@code `--micro-batch` at a time (512 by default)};</li>
 *   <li>a table row {@code | `adan.optimizer.adan.eps` | `1e-8` | …} under a header whose second column is
 *       {@code default}.</li>
 * </ul>
 * A value is compared as reference.conf types it: numbers numerically, durations as durations ({@code 10m} is
 * "10 minutes"), lists element by element. A default a flag's help describes by what 0 stands for
 * ({@code 0 = spark.task.cpus}) may be stated as that. BENCHMARKS.md is left out: it records the settings of
 * runs, not defaults.
 */
class DocDefaultsTest {

    private static final String NAME = "(--[a-z][a-z0-9-]*|adan\\.[a-z0-9.<>-]+)";
    private static final String VALUE = "(`[^`]+`|[\\w.+-]+(?: (?:ms|s|m|min|minutes?|seconds?|hours?))?)";
    /** `KEY` (VALUE): the bracket holds the value alone (or the value and a remark after a comma or semicolon). */
    private static final Pattern KEY_BRACKET = Pattern.compile("`(adan\\.[a-z0-9.-]+)` \\(" + VALUE + "(?:[),;])");
    /** `NAME` …, default VALUE: at most a few words between the name and "default". */
    private static final Pattern NAME_DEFAULT = Pattern.compile("`" + NAME + "`[\\w ]{0,12}[,;(]? ?\\(?default:? "
            + VALUE);
    /** `NAME` … (VALUE by default). */
    private static final Pattern BY_DEFAULT = Pattern.compile("`" + NAME + "`[\\w ]{0,20}\\(" + VALUE + " by default\\)");
    /** A table row: | `NAME` [(`--flag`)] | VALUE … |. */
    private static final Pattern ROW = Pattern.compile("^\\| `" + NAME + "`(?: \\(`--[a-z-]+`\\))? \\| " + VALUE
            + "[^|]*\\|");

    private static final Config REFERENCE = defaults();

    /**
     * @return reference.conf, with the optimizers' hyperparameters (reference.conf's recipe over adan-core's declarations)
     *     as CONFIGURATION.md lists them: that page is generated from the declarations, and DocumentedCommandsTest
     *     fails when it falls behind them
     */
    private static Config defaults() {
        StringBuilder generated = new StringBuilder();
        Pattern row = Pattern.compile("^\\| `(adan\\.optimizer\\.[a-z]+\\.[a-z0-9-]+)` \\| `([^`]+)` \\|");
        try {
            for (String line : Files.readAllLines(Build.ROOT.resolve("docs/CONFIGURATION.md"))) {
                Matcher m = row.matcher(line);
                if (m.find()) {
                    generated.append(m.group(1)).append(" = ").append(m.group(2)).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigFactory.defaultReference().withFallback(ConfigFactory.parseString(generated.toString()));
    }

    /** A default stated in the docs. */
    private record Claim(String place, String name, String stated) {
    }

    @Test
    void everyDefaultTheDocsStateIsReferenceConfs() throws IOException {
        List<Claim> claims = claims();
        List<String> wrong = new ArrayList<>();
        for (Claim c : claims) {
            String key = key(c.name()).orElse(null);
            if (key == null) {
                wrong.add(c.place() + ": `" + c.name() + "` is neither a configuration key nor a flag that sets one");
                continue;
            }
            if (!matches(key, c.stated())) {
                wrong.add(c.place() + ": the docs say `" + c.name() + "` defaults to " + c.stated()
                        + ", reference.conf has " + REFERENCE.getValue(key).render());
            }
        }
        assertTrue(claims.size() >= 20, "only " + claims.size() + " defaults found in the docs' prose: the patterns no "
                + "longer match how the pages state them: " + claims);
        assertTrue(wrong.isEmpty(), "defaults the docs state wrongly:\n  " + String.join("\n  ", wrong));
    }

    /**
     * ML.md's table of the estimators' params: {@code | `maxEpochs`, `warmupSteps`, `seed` | 3, 0, 42 | |}, each
     * value the param's default in a new {@code AdanNetClassifier}. A row whose default cell is prose (the
     * optimizer's declared defaults) is not a list of values and is left to the reader.
     */
    @Test
    void theEstimatorsDefaultsAreTheOnesMlMdStates() throws IOException {
        AdanNetClassifier estimator = new AdanNetClassifier();
        Pattern row = Pattern.compile("^\\| ((?:`\\w+`(?:, )?)+) \\| ([^|]+) \\|");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Build.ProseLine line : Build.docProse()) {
            Matcher m = row.matcher(line.text());
            if (!line.page().getFileName().toString().equals("ML.md") || !m.find()) {
                continue;
            }
            String[] names = m.group(1).replace("`", "").split(", ");
            String[] values = m.group(2).replaceAll(" \\([^)]*\\)", "").strip().split(", (?![^\\[]*\\])");
            if (names.length != values.length || !estimator.hasParam(names[0])) {
                continue;
            }
            for (int i = 0; i < names.length; i++) {
                Param<?> param = estimator.getParam(names[i]);
                String actual = render(estimator.getDefault(param).get());
                String stated = values[i].replace("`", "").replace("\"", "").strip();
                checked++;
                if (!sameValue(actual, stated)) {
                    wrong.add(line.place() + ": ML.md says " + names[i] + " defaults to " + values[i] + ", the estimator has "
                            + actual);
                }
            }
        }
        assertTrue(checked >= 10, "only " + checked + " estimator defaults found in ML.md's table");
        assertTrue(wrong.isEmpty(), "defaults ML.md states wrongly:\n  " + String.join("\n  ", wrong));
    }

    private static String render(Object value) {
        if (value instanceof int[] a) {
            return Arrays.toString(a);
        }
        return value instanceof double[] d ? Arrays.toString(d) : String.valueOf(value);
    }

    private static boolean sameValue(String actual, String stated) {
        try {
            return Double.parseDouble(actual) == Double.parseDouble(stated);
        } catch (NumberFormatException e) {
            return actual.equals(stated);
        }
    }

    @Test
    void theCheckCatchesAWrongDefault() {
        assertTrue(matches("adan.train.barrier-timeout", "10 minutes"));
        assertTrue(matches("adan.train.barrier-timeout", "600 s"));
        assertTrue(!matches("adan.train.barrier-timeout", "5 minutes"));
        assertTrue(matches("adan.optimizer.adan.betas", "`[0.98, 0.92, 0.99]`"));
        assertTrue(!matches("adan.optimizer.adan.betas", "`[0.98, 0.92]`"));
        assertTrue(matches("adan.train.compute-threads", "`spark.task.cpus`"), "the help's '0 = spark.task.cpus'");
        assertTrue(!matches("adan.train.micro-batch", "256"));
        assertEquals(List.of("512"), find(BY_DEFAULT, "`--micro-batch` at a time (512 by default), and", 2));
        assertEquals(List.of("`Haswell`"), find(NAME_DEFAULT, "(`--blas-kernel`, `adan.train.blas-kernel`, default "
                + "`Haswell`): OpenBLAS's", 2));
        assertEquals(List.of("10 minutes"), find(KEY_BRACKET, "A task waits at most `adan.train.barrier-timeout` (10 "
                + "minutes) for", 2));
    }

    private static List<String> find(Pattern pattern, String text, int group) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(group));
        }
        return found;
    }

    private static List<Claim> claims() throws IOException {
        List<Claim> claims = new ArrayList<>();
        List<Build.ProseLine> prose = Build.docProse();
        for (int i = 0; i < prose.size(); i++) {
            Build.ProseLine line = prose.get(i);
            String page = line.page().getFileName().toString();
            if (page.equals("BENCHMARKS.md") || page.equals("CLI.md") || page.equals("CONFIGURATION.md")) {
                continue;
            }
            // a sentence may wrap: read each line with the start of the next
            String text = line.text() + (i + 1 < prose.size() && prose.get(i + 1).page().equals(line.page())
                    && !line.text().startsWith("|") ? " " + prose.get(i + 1).text().stripLeading() : "");
            for (Pattern p : List.of(KEY_BRACKET, NAME_DEFAULT, BY_DEFAULT)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    boolean aFlag = m.group(2).replace("`", "").startsWith("--"); // `key` (`--flag`) names, not values
                    if (m.start() < line.text().length() && !aFlag) { // on this line: the next reports its own
                        claims.add(new Claim(line.place(), m.group(1), m.group(2)));
                    }
                }
            }
            Matcher row = ROW.matcher(line.text());
            if (row.find() && defaultColumn(prose, i)) {
                claims.add(new Claim(line.place(), row.group(1), row.group(2)));
            }
        }
        return claims;
    }

    /** @return whether the table the row at {@code i} belongs to has "default" as its second column */
    private static boolean defaultColumn(List<Build.ProseLine> prose, int i) {
        int j = i;
        while (j > 0 && prose.get(j - 1).text().startsWith("|") && prose.get(j - 1).page().equals(prose.get(i).page())) {
            j--;
        }
        String[] header = prose.get(j).text().split("\\|");
        return header.length > 2 && header[2].strip().equals("default");
    }

    /** @return the configuration key a name stands for: itself, or the key a flag sets (Adan's for --lr) */
    private static Optional<String> key(String name) {
        if (name.startsWith("adan.")) {
            String key = name.replace("<name>", "adan");
            return REFERENCE.hasPath(key) ? Optional.of(key) : Optional.empty();
        }
        return CommandLine.FLAGS.stream().filter(f -> f.name().equals(name) && !f.key().isEmpty())
                .map(f -> f.keyFor("adan")).findFirst();
    }

    /** @return whether the stated value is the key's reference.conf value */
    private static boolean matches(String key, String stated) {
        String value = stated.replace("`", "").strip();
        ConfigValue reference = REFERENCE.getValue(key);
        if (reference.valueType() == ConfigValueType.STRING && isDuration(reference.unwrapped().toString())) {
            return isDuration(value) && REFERENCE.getDuration(key).equals(parse(value).getDuration("v"));
        }
        if (reference.valueType() == ConfigValueType.STRING) {
            return value.equals(reference.unwrapped()) || value.equals(reference.render());
        }
        Object expected = reference.unwrapped();
        Object actual;
        try {
            actual = parse(value).getValue("v").unwrapped();
        } catch (ConfigException e) {
            actual = value;
        }
        if (sameValue(expected, actual)) {
            return true;
        }
        // a default the flag's help describes as what 0 stands for: "(0 = spark.task.cpus)"
        return expected instanceof Number n && n.doubleValue() == 0 && CommandLine.FLAGS.stream()
                .filter(f -> f.keyFor("adan").equals(key)).map(Flag::help).anyMatch(h -> h.contains("0 = " + value));
    }

    private static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return e.doubleValue() == a.doubleValue();
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!sameValue(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return String.valueOf(expected).equals(String.valueOf(actual));
    }

    private static boolean isDuration(String value) {
        try {
            parse(value).getDuration("v");
            return !value.matches("[-+0-9.eE]+"); // a bare number is a number, though HOCON reads it as milliseconds
        } catch (ConfigException e) {
            return false;
        }
    }

    private static Config parse(String value) {
        return ConfigFactory.parseString("v = " + value);
    }
}
