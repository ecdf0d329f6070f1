package dev.kimen.bundle;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.armor.ArmoredDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.armor.ArmoredEncryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.ClearableBuffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/**
 * Whole age v1 files (https://age-encryption.org/v1) in memory, binary or ASCII-armored, through
 * jagged. A bundle is small (a vault's contents), and holding it whole means nothing of a
 * plaintext that fails authentication half-way is ever released.
 */
public final class AgeFile {
    static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    static final String VERSION_LINE = "age-encryption.org/v1\n";
    /** A bound on what is decrypted into memory. */
    static final int MAX_PLAINTEXT = 256 * 1024 * 1024;

    private AgeFile() {}

    /** Encrypts {@code plaintext} to every recipient ({@code age1…}). */
    public static byte[] encrypt(byte[] plaintext, List<String> recipients, boolean armor) {
        if (recipients.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "a bundle needs at least one recipient",
                    "give --recipient age1… or --recipients-file <file>");
        }
        List<RecipientStanzaWriter> writers = recipients.stream().map(AgeFile::writer).toList();
        var out = new ByteArrayOutputStream();
        var factory = armor ? new ArmoredEncryptingChannelFactory() : new StandardEncryptingChannelFactory();
        try (WritableByteChannel channel = factory.newEncryptingChannel(Channels.newChannel(out), writers)) {
            ByteBuffer buf = ByteBuffer.wrap(plaintext);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (GeneralSecurityException e) {
            throw KimenException.wrap(Reason.INTERNAL, "age encryption failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Checks one recipient and makes its stanza writer. */
    static RecipientStanzaWriter writer(String recipient) {
        try {
            return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw KimenException.of(Reason.USAGE, "not an age X25519 recipient (age1…): " + visible(recipient),
                    "print one with: kimen bundle recipient <identity-file>");
        }
    }

    /**
     * Decrypts a whole age file, armored or not, with the first identity that unwraps its file key.
     * The caller clears the result.
     */
    public static byte[] decrypt(byte[] file, List<AgeIdentity> identities) {
        boolean armored = isArmored(file);
        if (!armored && !startsWith(file, 0, VERSION_LINE)) {
            throw invalid("it is not an age v1 file (it does not begin with \"age-encryption.org/v1\" or age's armor)");
        }
        List<RecipientStanzaReader> readers = identities.stream().map(AgeIdentity::reader).toList();
        var factory = armored ? new ArmoredDecryptingChannelFactory() : new StandardDecryptingChannelFactory();
        var out = new ClearableBuffer(file.length);
        byte[] chunk = new byte[64 * 1024];
        try (ReadableByteChannel channel = factory.newDecryptingChannel(
                Channels.newChannel(new ByteArrayInputStream(file)), readers)) {
            ByteBuffer buf = ByteBuffer.wrap(chunk);
            while (channel.read(buf.clear()) >= 0) {
                out.write(chunk, 0, buf.position());
                if (out.size() > MAX_PLAINTEXT) {
                    throw invalid("it decrypts to more than " + MAX_PLAINTEXT / (1024 * 1024) + " MiB");
                }
            }
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw invalid("no identity given can open it, or its header is not authentic", "is it sealed to "
                    + "this identity's recipient? print that with: kimen bundle recipient <identity-file>");
        } catch (IOException | RuntimeException e) {
            if (e instanceof KimenException k) {
                throw k;
            }
            throw invalid("it is not a readable age file, or it was altered (" + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(chunk, (byte) 0);
            out.clear();
        }
    }

    static boolean isArmored(byte[] file) {
        int i = 0;
        while (i < file.length && Character.isWhitespace(file[i])) {
            i++;
        }
        return startsWith(file, i, ARMOR_BEGIN);
    }

    private static boolean startsWith(byte[] file, int at, String text) {
        byte[] prefix = text.getBytes(StandardCharsets.US_ASCII);
        return file.length - at >= prefix.length && Arrays.equals(file, at, at + prefix.length, prefix, 0, prefix.length);
    }

    static KimenException invalid(String why) {
        return invalid(why, null);
    }

    static KimenException invalid(String why, String hint) {
        return KimenException.of(Reason.INVALID_BUNDLE, "cannot open the bundle: " + why, hint);
    }

    /** A recipient as shown in an error: only its first characters, and printable ones. */
    private static String visible(String recipient) {
        String head = recipient.length() > 12 ? recipient.substring(0, 12) + "…" : recipient;
        return head.replaceAll("[^\\x21-\\x7e…]", "?");
    }
}
