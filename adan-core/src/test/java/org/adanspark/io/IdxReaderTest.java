package org.adanspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path tmp;

    private static Path locate() throws FileNotFoundException {
        return new DataSetLocator(null).locate("fashion-mnist", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    }

    @Test
    void readsTheRealFashionMnistTestSet() throws IOException {
        Path dir = new DataSetLocator(null).locate("fashion-mnist", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        IdxReader.UnsignedBytes images = IdxReader.readUnsignedBytes(dir.resolve("t10k-images-idx3-ubyte.gz"));
        IdxReader.UnsignedBytes labels = IdxReader.readUnsignedBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[] {10_000, 28, 28}, images.dims());
        assertEquals(784, images.itemSize());
        assertEquals(10_000, labels.count());
        int[] perClass = new int[10];
        for (byte b : labels.data()) {
            perClass[b & 0xFF]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
        // Fashion-MNIST's first test item is an ankle boot (class 9).
        assertEquals(9, labels.data()[0] & 0xFF);
    }

    @Test
    void itemRangesOfPlainAndGzippedFilesEqualTheWholeFilesBytes() throws IOException {
        Path gz = locate().resolve("t10k-labels-idx1-ubyte.gz");
        byte[] whole = IdxReader.readUnsignedBytes(gz).data();
        Path plain = tmp.resolve("t10k-labels-idx1-ubyte");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(plain, in.readAllBytes());
        }
        for (Path file : new Path[] {gz, plain}) {
            assertEquals(10_000, IdxReader.readHeader(file).count());
            assertArrayEquals(Arrays.copyOfRange(whole, 0, 3), IdxReader.readItems(file, 0, 3));
            assertArrayEquals(Arrays.copyOfRange(whole, 4_321, 7_777), IdxReader.readItems(file, 4_321, 7_777));
            assertArrayEquals(new byte[0], IdxReader.readItems(file, 10_000, 10_000));
            IOException e = assertThrows(IOException.class, () -> IdxReader.readItems(file, 9_000, 10_001));
            assertTrue(e.getMessage().contains("items [9000, 10001) asked for, the file holds 10000"), e.getMessage());
        }
    }

    @Test
    void aTruncatedGzipIsNamedNotReportedAsAZlibError() throws IOException {
        byte[] gz = Files.readAllBytes(locate().resolve("t10k-labels-idx1-ubyte.gz"));
        Path cut = tmp.resolve("cut-labels-idx1-ubyte.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        IOException whole = assertThrows(IOException.class, () -> IdxReader.readUnsignedBytes(cut));
        assertTrue(whole.getMessage().matches("\\Q" + cut + "\\E is (damaged|truncated): .*"), whole.getMessage());
        IOException range = assertThrows(IOException.class, () -> IdxReader.readItems(cut, 9_000, 10_000));
        assertTrue(range.getMessage().matches("\\Q" + cut + "\\E is (damaged|truncated): .*"), range.getMessage());
        byte[] head = Arrays.copyOf(IdxReader.readUnsignedBytes(locate().resolve("t10k-labels-idx1-ubyte.gz")).data(), 10);
        assertArrayEquals(head, IdxReader.readItems(cut, 0, 10), "the intact head of a cut file still reads");
    }

    @Test
    void truncatedAndForeignFilesAreRefusedByName() throws IOException {
        Path truncated = tmp.resolve("short-idx1");
        Files.write(truncated, new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
        IOException e = assertThrows(IOException.class, () -> IdxReader.readUnsignedBytes(truncated));
        assertTrue(e.getMessage().contains("short-idx1 is truncated: dimensions [5] promise 5 values, found 2"), e.getMessage());

        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello world");
        e = assertThrows(IOException.class, () -> IdxReader.readUnsignedBytes(text));
        assertTrue(e.getMessage().contains("notes.txt is not an IDX file"), e.getMessage());

        Path floats = tmp.resolve("floats-idx1");
        Files.write(floats, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0});
        e = assertThrows(IOException.class, () -> IdxReader.readUnsignedBytes(floats));
        assertTrue(e.getMessage().contains("element type 0xd is not unsigned byte"), e.getMessage());
    }

    @Test
    void locatorListsEveryPlaceItLooked() {
        DataSetLocator locator = new DataSetLocator(null, null, tmp);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> locator.locate("no-such-set", "x.gz"));
        assertTrue(e.getMessage().contains(tmp.resolve("shared/data/no-such-set").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/datasets/no-such-set"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
    }

    @Test
    void anExplicitDataDirWithoutTheSetIsAnErrorNotAFallBack() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("shared/data/some-set"));
        Files.writeString(elsewhere.resolve("x.gz"), "found by walking up from the working directory");
        Path given = Files.createDirectories(tmp.resolve("given"));
        assertEquals(elsewhere, new DataSetLocator(null, null, tmp).locate("some-set", "x.gz"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> new DataSetLocator(given, null, tmp).locate("some-set", "x.gz"));
        assertEquals("--data-dir " + given + " holds no 'some-set' data set: looked for x.gz in "
                + given.resolve("some-set") + " and in " + given, e.getMessage());
    }
}
