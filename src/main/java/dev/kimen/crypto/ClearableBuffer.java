package dev.kimen.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A {@link ByteArrayOutputStream} whose internal array can be zeroed. The smaller arrays it outgrew
 * on the way are not: give it a size up front where one is known.
 */
public final class ClearableBuffer extends ByteArrayOutputStream {
    public ClearableBuffer(int size) {
        super(size);
    }

    /** Zeroes what was written and empties the buffer. */
    public synchronized void clear() {
        Arrays.fill(buf, (byte) 0);
        reset();
    }
}
