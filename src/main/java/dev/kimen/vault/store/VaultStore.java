package dev.kimen.vault.store;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.FileLock;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.format.VaultCodec;
import dev.kimen.vault.format.VaultFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A vault file on disk. Reads need no lock (writes replace the file atomically); every write is a
 * locked read-modify-write, so concurrent writers never lose each other's update.
 *
 * <p>The key is asked for only once the file is known to exist and parse, and kept for the life
 * of this object: a write keeps the file's salt, so one key (one Argon2id derivation, or one
 * session lookup) serves both the read and the write.
 */
public final class VaultStore implements AutoCloseable {
    private final Path path;
    private final VaultKeys keys;
    private VaultKey key;

    /** @param keys asked only when the vault must be decrypted; closed with this store */
    public VaultStore(Path path, VaultKeys keys) {
        this.path = canonical(path);
        this.keys = keys;
    }

    /** @param passphrase asked at most once, only when the vault must be decrypted */
    public VaultStore(Path path, Supplier<SecretBytes> passphrase) {
        this(path, VaultKeys.derivedFrom(passphrase));
    }

    public Path path() {
        return path;
    }

    /**
     * A symlinked vault is written (and locked) where it really is: renaming over the link would
     * replace the link, and two paths to one file must share one lock.
     */
    public static Path canonical(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** The parsed outer file, without decrypting it. */
    public VaultFile readFile() {
        return VaultFile.parse(readRaw());
    }

    private byte[] readRaw() {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.VAULT_NOT_FOUND, "no vault at " + path,
                    "create one with: kimen vault init");
        } catch (IOException e) {
            // the system would not read it (a permission, a directory): not bad data
            throw KimenException.wrap(Reason.IO_ERROR, "cannot read vault " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts the vault. A wrong passphrase typed at the terminal is asked for again (up to
     * {@value #TRIES} tries); from any other source it fails at once, its hint naming that source.
     * The caller closes the result.
     */
    public Vault open() {
        VaultFile file = readFile();
        for (int tries = 1; ; tries++) {
            try {
                return VaultCodec.open(file, keyFor(file));
            } catch (KimenException e) {
                if (e.reason() != Reason.WRONG_PASSPHRASE) {
                    throw e;
                }
                replaceKey(null); // it fits the file's salt, so keyFor would hand it out again
                if (tries >= TRIES || !keys.askAgain()) {
                    throw wrongPassphrase(tries);
                }
            }
        }
    }

    /**
     * Decrypts {@code raw}, an earlier copy of this vault's file (a sync backup), with this vault's
     * keys; a copy from before a rekey asks for the passphrase it had then. The caller closes the result.
     */
    public Vault openCopy(byte[] raw) {
        VaultFile file = VaultFile.parse(raw);
        if (key != null && key.fits(file.params(), file.salt())) {
            return VaultCodec.open(file, key);
        }
        try (VaultKey other = keys.keyFor(path, file.params(), file.salt())) {
            return VaultCodec.open(file, other);
        }
    }

    /** Checks that the vault opens and returns a copy of its key (to hand to a session). */
    public VaultKey unlockedKey() {
        try (Vault ignored = open()) {
            return key.copy();
        }
    }

    /**
     * Applies {@code change} to the current contents and writes the result, all under the lock.
     * When {@code change} throws, nothing is written.
     */
    public <R> R update(Function<Vault, R> change) {
        unlock(); // outside the lock: other writers wait neither for Argon2id nor for a prompt
        try (FileLock ignored = FileLock.acquire(path)) {
            PrivateFiles.sweepTemps(path);
            VaultFile file = readFile();
            VaultKey k = keyFor(file);
            try (Vault vault = VaultCodec.open(file, k)) {
                R result = change.apply(vault);
                PrivateFiles.write(path, VaultCodec.seal(vault, k).toBytes());
                return result;
            }
        }
    }

    /** Writes a new empty vault; refuses when one exists. */
    public void create(SecretBytes newPassphrase, KdfParams params) {
        try (Vault empty = new Vault()) {
            create(newPassphrase, params, empty);
        }
    }

    /** Writes a new vault holding {@code contents}, in one write; refuses when one exists. */
    public void create(SecretBytes newPassphrase, KdfParams params, Vault contents) {
        try (FileLock ignored = FileLock.acquire(path)) {
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw KimenException.of(Reason.VAULT_EXISTS, "a vault already exists at " + path,
                        "use it, or choose another path with --vault");
            }
            PrivateFiles.sweepTemps(path); // what a create killed before its rename left
            replaceKey(VaultKey.derive(newPassphrase, params, Aead.randomBytes(VaultFile.SALT_BYTES)));
            PrivateFiles.write(path, VaultCodec.seal(contents, key).toBytes());
        }
    }

    /**
     * Re-encrypts the vault under a new passphrase and a fresh salt. When {@code backup} is not
     * null the current file is first copied there (0600).
     *
     * @return the number of secrets carried over
     */
    public int rekey(SecretBytes newPassphrase, Path backup) {
        unlock();
        try (FileLock ignored = FileLock.acquire(path)) {
            PrivateFiles.sweepTemps(path);
            byte[] raw = readRaw();
            VaultFile file = VaultFile.parse(raw);
            try (Vault vault = VaultCodec.open(file, keyFor(file))) {
                var newKey = VaultKey.derive(newPassphrase, file.params(), Aead.randomBytes(VaultFile.SALT_BYTES));
                byte[] sealed = VaultCodec.seal(vault, newKey).toBytes();
                if (backup != null) {
                    PrivateFiles.write(backup, raw);
                }
                PrivateFiles.write(path, sealed);
                replaceKey(newKey);
                return vault.size();
            }
        }
    }

    /** How many passphrases typed at the terminal are tried before a wrong one fails the command. */
    static final int TRIES = 3;

    /** Unlocks the vault now (checking the key opens it), before the command asks for anything else. */
    public void unlock() {
        open().close();
    }

    private VaultKey keyFor(VaultFile file) {
        if (key == null || !key.fits(file.params(), file.salt())) {
            replaceKey(keys.keyFor(path, file.params(), file.salt()));
        }
        return key;
    }

    private KimenException wrongPassphrase(int tries) {
        String source = keys.source();
        return KimenException.of(Reason.WRONG_PASSPHRASE, "wrong passphrase, or the vault file was altered",
                source == null ? "check the passphrase source (KIMEN_PASSPHRASE, --passphrase-cmd, --passphrase-stdin)"
                        : source.equals("terminal") ? tries + " passphrases typed at the terminal did not open "
                                + path + "; the file is unchanged"
                        : "what " + source + " gave did not open " + path + "; check it");
    }

    private void replaceKey(VaultKey next) {
        if (key != null) {
            key.close();
        }
        key = next;
    }

    @Override
    public void close() {
        replaceKey(null);
        keys.close();
    }
}
