package dev.kimen.vault.format;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.KdfParams;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The outer text form of a vault file (docs/vault-format.md), {@code kimen-vault/v2} or, when
 * secrets carry metadata, {@code kimen-vault/v3}, which differ only in the first line (also the AAD)
 * and the plaintext's entries:
 * <pre>
 * kimen-vault/v2
 * argon2id &lt;memory KiB&gt; &lt;passes&gt; &lt;parallelism&gt;
 * base64(16-byte salt)
 * base64(24-byte nonce)
 * base64(ciphertext || 16-byte tag)
 * </pre>
 * Each line ends with LF; the last LF is optional when reading. Anything else is refused.
 */
public record VaultFile(String format, KdfParams params, byte[] salt, byte[] nonce, byte[] sealed) {
    /** Upstream Kimen's format, written whenever no secret has metadata. */
    public static final String MAGIC = "kimen-vault/v2";
    /** v2 plus per-secret metadata (expiry dates). */
    public static final String MAGIC_V3 = "kimen-vault/v3";
    public static final int SALT_BYTES = 16;

    /** The associated data the ciphertext is sealed with: the first line, so v3 cannot pass for v2. */
    static byte[] aad(String format) {
        return format.getBytes(StandardCharsets.US_ASCII);
    }

    public static VaultFile parse(byte[] file) {
        String text = new String(file, StandardCharsets.US_ASCII);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].equals(MAGIC) && !lines[0].equals(MAGIC_V3)) {
            throw invalid(lines.length > 0 && lines[0].startsWith("kimen-vault/")
                    ? "unsupported vault format " + printable(lines[0])
                    : "not a kimen vault (first line is not " + MAGIC + ")");
        }
        if (lines.length != 5) {
            throw invalid("expected 5 lines, found " + lines.length);
        }
        KdfParams params = parseKdf(lines[1]);
        byte[] salt = base64(lines[2], "salt");
        byte[] nonce = base64(lines[3], "nonce");
        byte[] sealed = base64(lines[4], "ciphertext");
        if (salt.length != SALT_BYTES) {
            throw invalid("salt must be " + SALT_BYTES + " bytes, found " + salt.length);
        }
        if (nonce.length != Aead.NONCE_BYTES) {
            throw invalid("nonce must be " + Aead.NONCE_BYTES + " bytes, found " + nonce.length);
        }
        if (sealed.length < Aead.TAG_BYTES) {
            throw invalid("ciphertext is shorter than its tag");
        }
        return new VaultFile(lines[0], params, salt, nonce, sealed);
    }

    public byte[] toBytes() {
        var b64 = Base64.getEncoder();
        String text = format + "\n"
                + "argon2id " + params.memoryKib() + " " + params.passes() + " " + params.parallelism() + "\n"
                + b64.encodeToString(salt) + "\n"
                + b64.encodeToString(nonce) + "\n"
                + b64.encodeToString(sealed) + "\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static KdfParams parseKdf(String line) {
        String[] f = line.split(" ", -1);
        if (f.length != 4 || !f[0].equals("argon2id")) {
            throw invalid("second line must be 'argon2id <memory KiB> <passes> <parallelism>'");
        }
        var params = new KdfParams(number(f[1]), number(f[2]), number(f[3]));
        if (!params.isAcceptable()) {
            throw invalid("Argon2id parameters out of range: " + printable(line));
        }
        return params;
    }

    private static int number(String field) {
        if (field.isEmpty() || field.length() > 9 || !field.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("Argon2id parameter is not a number: " + printable(field));
        }
        return Integer.parseInt(field);
    }

    /**
     * Strict base64: the JDK decoder ignores the unused low bits of the last character, so a
     * re-encoding must give back the same text, or a flipped bit there would go unnoticed.
     */
    private static byte[] base64(String line, String what) {
        try {
            byte[] decoded = Base64.getDecoder().decode(line);
            if (canonical(line, decoded)) {
                return decoded;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw invalid(what + " is not valid base64");
    }

    /**
     * Whether {@code line}, which the JDK decoder took, is the one encoding of {@code decoded}:
     * padded to whole quanta, with a last quantum that encodes to itself (the decoder ignores its
     * unused low bits, and takes a missing padding). Only that quantum is encoded again, not the
     * whole line: the ciphertext of a 10 000-secret vault is most of a megabyte.
     */
    static boolean canonical(String line, byte[] decoded) {
        if (line.length() % 4 != 0) {
            return false;
        }
        if (line.isEmpty()) {
            return decoded.length == 0;
        }
        int tail = decoded.length % 3 == 0 ? 3 : decoded.length % 3;
        return decoded.length >= tail && Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOfRange(decoded, decoded.length - tail, decoded.length))
                .equals(line.substring(line.length() - 4));
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    static KimenException invalid(String why) {
        return KimenException.of(Reason.INVALID_VAULT_FILE, "invalid vault file: " + why);
    }
}
