package dev.kimen.bundle;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.vault.Vault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Bundles: a vault's contents as an age file, and back (DESIGN §5). */
public final class Bundles {
    private Bundles() {}

    /** The vault's contents, encrypted to {@code recipients}. */
    public static byte[] seal(Vault vault, List<String> recipients, boolean armor) {
        return seal(vault, Map.of(), recipients, armor);
    }

    /** The same, carrying {@code extra} top-level string fields (e.g. sync's baseline metadata). */
    public static byte[] seal(Vault vault, Map<String, String> extra, List<String> recipients, boolean armor) {
        byte[] plaintext = BundlePlaintext.write(vault, extra);
        try {
            return AgeFile.encrypt(plaintext, recipients, armor);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The contents of the bundle file at {@code bundle}, decrypted with {@code identities}. The caller closes it. */
    public static Vault open(Path bundle, List<AgeIdentity> identities) {
        return open(bundle, identities, new java.util.HashMap<>());
    }

    /** The same, copying the plaintext's other top-level string fields into {@code extra}. */
    public static Vault open(Path bundle, List<AgeIdentity> identities, Map<String, String> extra) {
        byte[] file;
        try {
            file = Files.readAllBytes(bundle);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.INVALID_BUNDLE, "no bundle at " + bundle);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_BUNDLE, "cannot read " + bundle + ": " + e.getMessage(), e);
        }
        return open(file, identities, extra);
    }

    /** Opens bundle bytes already read. */
    public static Vault open(byte[] file, List<AgeIdentity> identities, Map<String, String> extra) {
        byte[] plaintext = AgeFile.decrypt(file, identities);
        try {
            return BundlePlaintext.read(plaintext, extra);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The recipients given on the command line and in recipients files (age's format: one
     * {@code age1…} per line, blank lines and {@code #} comments ignored), each checked, in order,
     * without repeats.
     */
    public static List<String> recipients(List<String> given, List<Path> files) {
        var all = new LinkedHashSet<String>();
        given.forEach(r -> all.add(r.strip()));
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (NoSuchFileException e) {
                throw KimenException.of(Reason.USAGE, "no recipients file at " + file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String r = line.strip();
                if (!r.isEmpty() && !r.startsWith("#")) {
                    all.add(r);
                }
            }
        }
        var checked = new ArrayList<String>();
        for (String r : all) {
            AgeFile.writer(r);
            checked.add(r);
        }
        return checked;
    }
}
