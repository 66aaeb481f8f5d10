package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.ml.PythonParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated reference pages are the committed ones, and they cover every flag and every key. */
class ReferenceDocsTest {

    private static final Path ROOT = Path.of("..");

    @TempDir
    Path tmp;

    @Test
    void theCommittedPagesAreWhatTheDefinitionsGenerate() throws IOException {
        assertEquals(ReferenceDocs.cliPage(), Files.readString(ROOT.resolve(ReferenceDocs.CLI_PAGE)),
                ReferenceDocs.CLI_PAGE + " is out of date with CommandLine.FLAGS: run bin/adan-docs");
        assertEquals(ReferenceDocs.configPage(), Files.readString(ROOT.resolve(ReferenceDocs.CONFIG_PAGE)),
                ReferenceDocs.CONFIG_PAGE + " is out of date with reference.conf: run bin/adan-docs");
        assertEquals(PythonParams.module(), Files.readString(ROOT.resolve(PythonParams.MODULE)),
                PythonParams.MODULE + " is out of date with Settings: run bin/adan-docs");
    }

    @Test
    void mainWritesBothPages() throws IOException {
        ReferenceDocs.main(new String[] {tmp.toString()});
        assertEquals(ReferenceDocs.cliPage(), Files.readString(tmp.resolve(ReferenceDocs.CLI_PAGE)));
        assertEquals(ReferenceDocs.configPage(), Files.readString(tmp.resolve(ReferenceDocs.CONFIG_PAGE)));
    }

    @Test
    void everyFlagIsInHelpAndTheCliPageAndSetsAKeyThatExists() {
        Config reference = ConfigFactory.defaultReference(getClass().getClassLoader());
        String page = ReferenceDocs.cliPage();
        for (Flag f : CommandLine.FLAGS) {
            assertTrue(CommandLine.USAGE.contains(f.synopsis()), f.name() + " missing from --help");
            assertTrue(page.contains("`" + f.synopsis() + "`"), f.name() + " missing from " + ReferenceDocs.CLI_PAGE);
            if (f.setsFixedKey()) {
                assertTrue(reference.hasPath(f.key()), f.name() + " sets " + f.key() + ", which reference.conf lacks");
            } else if (!f.key().isEmpty()) {
                for (String name : OptimizerSpec.NAMES) { // an optimizer's own key, declared by the optimizer
                    assertTrue(OptimizerSpec.isOptimizerKey(f.keyFor(name)), f.key() + " for " + name);
                }
            }
        }
    }

    @Test
    void everyReferenceKeyIsDocumentedWithItsDefault() {
        Config reference = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf");
        String page = ReferenceDocs.configPage();
        reference.entrySet().forEach(e -> assertTrue(page.contains("| `" + e.getKey() + "` | `"), e.getKey()));
        assertTrue(page.contains("| `adan.train.global-batch` | `4096` | `--global-batch` |"), page);
        assertTrue(page.contains("| `adan.optimizer.adamw.lr` | `0.002` | `--lr` |"), page);
    }

    @Test
    void aSwitchRejectsAValueAndSetsItsKey() {
        assertTrue(CommandLine.parse(new String[] {"--resume"}).getBoolean("adan.checkpoint.resume"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--resume=yes"}));
        assertTrue(e.getMessage().contains("--resume takes no value"), e.getMessage());
    }
}
