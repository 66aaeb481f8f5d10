package org.adanspark.spark.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what libraries print straight to standard output off the console of {@code adan-train}: ND4J's
 * SameDiff prints {@code Added differentiated op …} for every differentiated op of a SameDiff layer (132
 * lines for the default {@code charlm}), mixed into the progress lines. Lines that start with a known
 * prefix go to the log file instead (logger {@code org.adanspark.library}, DEBUG); every other line passes
 * through unchanged, whole.
 */
final class LibraryChatter extends OutputStream {

    /** What libraries print to standard output and a user need not see. */
    static final List<String> PREFIXES = List.of("Added differentiated op ");

    private static final Logger LOG = LoggerFactory.getLogger("org.adanspark.library");

    private final OutputStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private LibraryChatter(OutputStream target) {
        this.target = target;
    }

    /**
     * Replaces {@code System.out} with a filtered one, in this JVM (the CLI's own, whose console it is).
     *
     * @return the stream that was there before
     */
    static PrintStream install() {
        PrintStream original = System.out;
        System.setOut(new PrintStream(new LibraryChatter(original), true, StandardCharsets.UTF_8));
        return original;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Passes a partial line on, so that a prompt or a progress bar without a newline still shows. */
    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0 && !isChatterSoFar()) {
            line.writeTo(target);
            line.reset();
        }
        target.flush();
    }

    private void emit() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        if (isChatter(text)) {
            LOG.debug("{}", text.strip());
        } else {
            line.writeTo(target);
            target.flush();
        }
        line.reset();
    }

    /** A partial line that may still become chatter is held until its newline. */
    private boolean isChatterSoFar() {
        String text = line.toString(StandardCharsets.UTF_8);
        for (String p : PREFIXES) {
            if (p.startsWith(text) || text.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isChatter(String line) {
        for (String p : PREFIXES) {
            if (line.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
