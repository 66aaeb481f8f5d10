package org.adanspark.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte[.gz]} and
 * friends): a magic number {@code 0x0000TTDD} (type T, D dimensions), D big-endian int32 sizes, then the
 * data. Gzipped files are recognised by their header, whatever their name.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims the sizes, outermost first (images: count, rows, columns; labels: count)
     * @param data the values in row-major order, each to be read as {@code data[i] & 0xFF}
     */
    public record UnsignedBytes(int[] dims, byte[] data) {
        /** @return the number of items (the first dimension) */
        public int count() {
            return dims[0];
        }

        /** @return the number of values per item (the product of the other dimensions) */
        public int itemSize() {
            int size = 1;
            for (int i = 1; i < dims.length; i++) {
                size *= dims[i];
            }
            return size;
        }
    }

    /**
     * Reads a whole IDX file of unsigned bytes.
     *
     * @param file the file, gzipped or not
     * @return its contents
     * @throws IOException if the file cannot be read, is not IDX, is not of unsigned bytes, or is shorter
     *     than its header says; the message names the file
     */
    public static UnsignedBytes readUnsignedBytes(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xFF;
            int rank = magic & 0xFF;
            if ((magic >>> 16) != 0 || rank == 0 || rank > 4) {
                throw new IOException(file + " is not an IDX file: magic number 0x" + Integer.toHexString(magic));
            }
            if (type != UNSIGNED_BYTE) {
                throw new IOException(file + ": IDX element type 0x" + Integer.toHexString(type) + " is not unsigned byte (0x08)");
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new IOException(file + ": dimension " + i + " is negative: " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + total + " values do not fit in one array");
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length != total) {
                throw new IOException(file + " is truncated: dimensions " + Arrays.toString(dims) + " promise " + total
                        + " values, found " + data.length);
            }
            return new UnsignedBytes(dims, data);
        }
    }
}
