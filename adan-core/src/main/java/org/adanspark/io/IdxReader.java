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
            return IdxReader.itemSize(dims);
        }
    }

    /**
     * An IDX file's header: what its data holds, without the data.
     *
     * @param file the file the header was read from
     * @param dims the sizes, outermost first
     */
    public record Header(Path file, int[] dims) {
        /** @return the number of items (the first dimension) */
        public int count() {
            return dims[0];
        }

        /** @return the number of values per item (the product of the other dimensions) */
        public int itemSize() {
            return IdxReader.itemSize(dims);
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
        try (DataInputStream in = open(file)) {
            Header header = readHeader(file, in);
            long total = (long) header.count() * header.itemSize();
            if (total > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + total + " values do not fit in one array");
            }
            return new UnsignedBytes(header.dims(), readExactly(file, in, (int) total, header));
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX file's header only.
     *
     * @param file the file, gzipped or not
     * @return its header
     * @throws IOException as {@link #readUnsignedBytes}, naming the file
     */
    public static Header readHeader(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            return readHeader(file, in);
        }
    }

    /**
     * Reads items {@code [from, to)} of an IDX file of unsigned bytes: a byte range of a plain file, or
     * the same range of a gzipped one, decompressed from its start (gzip cannot seek). This is how each
     * Spark task reads its own partition from the source, so a lost partition is read again, not sent.
     *
     * @param file the file, gzipped or not
     * @param from the first item
     * @param to the end item, exclusive, at most the file's count
     * @return {@code (to − from) × itemSize} values, row-major, each to be read as {@code b & 0xFF}
     * @throws IOException if the file cannot be read, is not IDX of unsigned bytes, holds fewer items than
     *     {@code to}, or ends early; the message names the file
     */
    public static byte[] readItems(Path file, int from, int to) throws IOException {
        try (DataInputStream in = open(file)) {
            Header header = readHeader(file, in);
            if (from < 0 || to < from || to > header.count()) {
                throw new IOException(file + ": items [" + from + ", " + to + ") asked for, the file holds "
                        + header.count());
            }
            long skip = (long) from * header.itemSize();
            long skipped = 0;
            try {
                in.skipNBytes(skip);
                skipped = skip;
            } catch (java.io.EOFException e) {
                throw truncated(file, header, skipped);
            }
            long length = (long) (to - from) * header.itemSize();
            if (length > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + length + " values do not fit in one array");
            }
            byte[] data = in.readNBytes((int) length);
            if (data.length != length) {
                throw truncated(file, header, skip + data.length);
            }
            return data;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static int itemSize(int[] dims) {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static Header readHeader(Path file, DataInputStream in) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is not an IDX file: it ends within its 4-byte magic number", e);
        }
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if ((magic >>> 16) != 0 || rank == 0 || rank > 4) {
            throw new IOException(file + " is not an IDX file: magic number 0x" + Integer.toHexString(magic));
        }
        if (type != UNSIGNED_BYTE) {
            throw new IOException(file + ": IDX element type 0x" + Integer.toHexString(type) + " is not unsigned byte (0x08)");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = in.readInt();
            } catch (java.io.EOFException e) {
                throw new IOException(file + " is truncated: it ends within its header, at dimension " + i, e);
            }
            if (dims[i] < 0) {
                throw new IOException(file + ": dimension " + i + " is negative: " + dims[i]);
            }
        }
        return new Header(file, dims);
    }

    private static byte[] readExactly(Path file, DataInputStream in, int total, Header header) throws IOException {
        byte[] data = in.readNBytes(total);
        if (data.length != total) {
            throw truncated(file, header, data.length);
        }
        return data;
    }

    private static IOException truncated(Path file, Header header, long found) {
        long promised = (long) header.count() * header.itemSize();
        return new IOException(file + " is truncated: dimensions " + Arrays.toString(header.dims()) + " promise "
                + promised + " values, found " + found);
    }
}
