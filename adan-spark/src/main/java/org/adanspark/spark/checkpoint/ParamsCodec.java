package org.adanspark.spark.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.io.Sha256;

/**
 * Float32 parameter vectors as bytes: the SHA-256 that {@code params_sha256} reports (of the values,
 * little-endian), and the {@code params.bin} file of a checkpoint ({@code "ADANPRMS"}, int32 version 1,
 * int32 count, then the values, all little-endian).
 */
public final class ParamsCodec {

    private static final byte[] MAGIC = "ADANPRMS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private ParamsCodec() {
    }

    /**
     * @param params the parameters
     * @return hex SHA-256 of their float32 little-endian bytes
     */
    public static String sha256(float[] params) {
        MessageDigest sha = Sha256.digest();
        sha.update(toBytes(params, 0, params.length));
        return Sha256.hex(sha);
    }

    /**
     * Writes a params file.
     *
     * @param params the parameters
     * @param out the stream, not closed
     * @return hex SHA-256 of everything written
     * @throws IOException if writing fails
     */
    public static String write(float[] params, OutputStream out) throws IOException {
        MessageDigest sha = Sha256.digest();
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(params.length);
        out.write(header.array());
        sha.update(header.array());
        int chunk = 1 << 16;
        for (int i = 0; i < params.length; i += chunk) {
            byte[] b = toBytes(params, i, Math.min(params.length, i + chunk));
            out.write(b);
            sha.update(b);
        }
        return Sha256.hex(sha);
    }

    /**
     * Reads a params file and checks it.
     *
     * @param in the stream
     * @param name the file, for messages
     * @param expectedCount parameters expected
     * @param expectedSha256 the hex SHA-256 the manifest recorded
     * @return the parameters
     * @throws CorruptCheckpointException naming the file when it is short, altered or of another model
     * @throws IOException if reading fails
     */
    public static float[] read(InputStream in, String name, int expectedCount, String expectedSha256) throws IOException {
        byte[] all = in.readAllBytes();
        MessageDigest sha = Sha256.digest();
        sha.update(all);
        String actual = Sha256.hex(sha);
        if (!actual.equals(expectedSha256)) {
            throw new CorruptCheckpointException(name + ": SHA-256 " + actual + " does not match the manifest's " + expectedSha256
                    + " (" + all.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        if (all.length < MAGIC.length + 8) {
            throw new CorruptCheckpointException(name + ": " + all.length + " bytes is shorter than the header");
        }
        b.get(magic);
        int version = b.getInt();
        int count = b.getInt();
        if (!Arrays.equals(magic, MAGIC) || version != VERSION) {
            throw new CorruptCheckpointException(name + ": not a version-" + VERSION + " params file");
        }
        if (count != expectedCount || b.remaining() != 4L * count) {
            throw new CorruptCheckpointException(name + ": holds " + count + " parameters (" + b.remaining()
                    + " bytes), expected " + expectedCount);
        }
        float[] params = new float[count];
        b.asFloatBuffer().get(params);
        return params;
    }

    private static byte[] toBytes(float[] v, int from, int to) {
        ByteBuffer b = ByteBuffer.allocate(4 * (to - from)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v, from, to - from);
        return b.array();
    }

}
