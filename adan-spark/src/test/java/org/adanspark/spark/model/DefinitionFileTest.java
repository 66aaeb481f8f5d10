package org.adanspark.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model definition is read through Hadoop's file systems: a plain path and a {@code file:} URI alike. */
class DefinitionFileTest {

    @TempDir
    Path tmp;

    @Test
    void aPlainPathAndAFileUriReadTheSameBytesAndAMissingFileIsNamed() throws IOException {
        byte[] bytes = "{\"confs\": []}".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(tmp.resolve("net.json"), bytes);
        assertArrayEquals(bytes, DefinitionFile.read(new ModelSpec.Definition("json", file.toString())));
        assertArrayEquals(bytes, DefinitionFile.read(new ModelSpec.Definition("json", file.toUri().toString())));
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> DefinitionFile.read(new ModelSpec.Definition("json", tmp.resolve("absent.json").toString())));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
    }
}
