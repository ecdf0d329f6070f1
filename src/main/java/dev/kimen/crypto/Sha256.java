package dev.kimen.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, for content addresses and fingerprints (every JDK has it). */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash of {@code data} as 64 lowercase hex digits. */
    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }
}
