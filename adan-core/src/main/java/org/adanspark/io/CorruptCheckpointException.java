package org.adanspark.io;

import java.io.IOException;

/** A checkpoint file is missing, truncated, altered or inconsistent with its manifest; the message names it. */
public final class CorruptCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the file
     */
    public CorruptCheckpointException(String message) {
        super(message);
    }
}
