package dev.kimen.bundle;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.x25519.X25519KeyFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;

/**
 * An age X25519 identity ({@code AGE-SECRET-KEY-1…}), held as bytes that are cleared on close;
 * jagged does the key work. Identity files are read as age reads them: one identity per line,
 * blank lines and {@code #} comments ignored.
 */
public final class AgeIdentity implements AutoCloseable {
    static final String PREFIX = "AGE-SECRET-KEY-1";

    private final SecretBytes text;

    private AgeIdentity(SecretBytes text) {
        this.text = text;
    }

    /** A new random identity. */
    public static AgeIdentity generate() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return new AgeIdentity(SecretBytes.adopt(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw KimenException.wrap(Reason.INTERNAL, "cannot generate an X25519 key: " + e.getMessage(), e);
        }
    }

    /** Every identity in an age identity file. */
    public static List<AgeIdentity> readFile(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.INVALID_VALUE, "no identity file at " + file,
                    "make one with: kimen bundle keygen --out " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            var identities = new ArrayList<AgeIdentity>();
            int lineNo = 0;
            for (int start = 0; start < raw.length; lineNo++) {
                int end = start;
                while (end < raw.length && raw[end] != '\n') {
                    end++;
                }
                int from = start;
                int to = end > start && raw[end - 1] == '\r' ? end - 1 : end;
                start = end + 1;
                while (from < to && (raw[from] == ' ' || raw[from] == '\t')) {
                    from++;
                }
                while (to > from && (raw[to - 1] == ' ' || raw[to - 1] == '\t')) {
                    to--;
                }
                if (from == to || raw[from] == '#') {
                    continue;
                }
                var line = SecretBytes.copyOf(raw, from, to);
                if (!startsWithPrefix(raw, from, to)) {
                    line.destroy();
                    identities.forEach(AgeIdentity::close);
                    throw KimenException.of(Reason.INVALID_VALUE, file + " line " + (lineNo + 1)
                                    + " is not an age X25519 identity (" + PREFIX + "…)",
                            "kimen reads identity files made by age-keygen or kimen bundle keygen");
                }
                identities.add(new AgeIdentity(line));
            }
            if (identities.isEmpty()) {
                throw KimenException.of(Reason.INVALID_VALUE, file + " holds no identity",
                        "make one with: kimen bundle keygen --out <file>");
            }
            return identities;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static boolean startsWithPrefix(byte[] raw, int from, int to) {
        byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
        return to - from > prefix.length && Arrays.equals(raw, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** The {@code age1…} recipient that encrypts to this identity. */
    public String recipient() {
        byte[] raw = text.reveal();
        try {
            return new X25519KeyFactory().translateKey(new SecretKeySpec(raw, "X25519")).toString();
        } catch (GeneralSecurityException e) {
            throw KimenException.of(Reason.INVALID_VALUE, "not a valid age X25519 identity (bad encoding or checksum)");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The identity's 32-byte X25519 secret (the data of its bech32 text), for keys derived from it
     * (sync's signing key). The caller destroys it.
     */
    public SecretBytes secretKey() {
        char[] chars = chars();
        try {
            byte[] data = Bech32.getDecoder().decode(CharBuffer.wrap(chars)).getData();
            if (data.length != 32) {
                Arrays.fill(data, (byte) 0);
                throw new IllegalArgumentException("not 32 bytes");
            }
            return SecretBytes.adopt(data);
        } catch (IllegalArgumentException e) {
            throw KimenException.of(Reason.INVALID_VALUE, "not a valid age X25519 identity (bad encoding or checksum)");
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** What jagged needs to unwrap a file key with this identity. */
    RecipientStanzaReader reader() {
        char[] chars = chars();
        try {
            return X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(CharBuffer.wrap(chars));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw KimenException.of(Reason.INVALID_VALUE, "not a valid age X25519 identity (bad encoding or checksum)");
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** The file {@code age-keygen} would write: when, the public key, the identity. */
    public SecretBytes fileText() {
        byte[] header = ("# created: " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n# public key: "
                + recipient() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] key = text.reveal();
        byte[] out = Arrays.copyOf(header, header.length + key.length + 1);
        System.arraycopy(key, 0, out, header.length, key.length);
        out[out.length - 1] = '\n';
        Arrays.fill(key, (byte) 0);
        return SecretBytes.adopt(out);
    }

    private char[] chars() {
        byte[] raw = text.reveal();
        char[] chars = new char[raw.length];
        for (int i = 0; i < raw.length; i++) {
            chars[i] = (char) (raw[i] & 0xFF);
        }
        Arrays.fill(raw, (byte) 0);
        return chars;
    }

    @Override
    public void close() {
        text.destroy();
    }
}
