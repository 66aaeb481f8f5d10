package org.adanspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path tmp;

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
        DataSetLocator locator = new DataSetLocator(tmp, null, tmp);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> locator.locate("no-such-set", "x.gz"));
        assertTrue(e.getMessage().contains(tmp.resolve("no-such-set").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/datasets/no-such-set"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
    }
}
