package dev.kimen.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A secret value: bytes that print as {@code <redacted>}, compare in constant time and are cleared
 * by {@link #destroy()}. The bytes leave only through {@link #reveal()}, so every place a value
 * escapes can be found by searching for that one name.
 */
public final class SecretBytes implements Destroyable, AutoCloseable {
    private final byte[] bytes;
    private boolean destroyed;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes ownership of {@code bytes}: the caller must not keep or reuse the array. */
    public static SecretBytes adopt(byte[] bytes) {
        return new SecretBytes(bytes);
    }

    public static SecretBytes copyOf(byte[] bytes, int from, int to) {
        return new SecretBytes(Arrays.copyOfRange(bytes, from, to));
    }

    /**
     * Takes a helper's output (a command's stdout, piped stdin) without its one final newline
     * (LF or CRLF), which is a line end rather than part of the value. Clears {@code raw}.
     */
    public static SecretBytes withoutFinalNewline(byte[] raw) {
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\n') {
            end--;
            if (end > 0 && raw[end - 1] == '\r') {
                end--;
            }
        }
        SecretBytes out = copyOf(raw, 0, end);
        Arrays.fill(raw, (byte) 0);
        return out;
    }

    public static SecretBytes ofUtf8(String text) {
        return new SecretBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the value. The caller clears it when done. */
    public byte[] reveal() {
        checkAlive();
        return bytes.clone();
    }

    /** An independent holder of the same value. */
    public SecretBytes copy() {
        return new SecretBytes(reveal());
    }

    public int length() {
        checkAlive();
        return bytes.length;
    }

    public boolean isEmpty() {
        return length() == 0;
    }

    /** Constant-time equality of the values. */
    public boolean sameAs(SecretBytes other) {
        checkAlive();
        other.checkAlive();
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "<redacted>";
    }

    private void checkAlive() {
        if (destroyed) {
            throw new IllegalStateException("secret already destroyed");
        }
    }
}
