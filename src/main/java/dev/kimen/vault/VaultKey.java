package dev.kimen.vault;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.Argon2id;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import java.util.Arrays;

/**
 * The key that seals a vault, derived from the passphrase with the salt and parameters of the file
 * it belongs to. Writes keep the file's salt, so one derivation serves a read-modify-write.
 */
public final class VaultKey implements AutoCloseable {
    private final SecretBytes key;
    private final KdfParams params;
    private final byte[] salt;

    private VaultKey(SecretBytes key, KdfParams params, byte[] salt) {
        this.key = key;
        this.params = params;
        this.salt = salt.clone();
    }

    public static VaultKey derive(SecretBytes passphrase, KdfParams params, byte[] salt) {
        byte[] key;
        try {
            key = Argon2id.derive(passphrase, salt, params, Aead.KEY_BYTES);
        } catch (OutOfMemoryError e) { // the header's memory cost, within KdfParams' bounds, but more than is free here
            throw KimenException.of(Reason.INVALID_VAULT_FILE, "the vault's key derivation asks for "
                            + params.memoryKib() / 1024 + " MiB of memory, more than kimen could get",
                    "kimen writes vaults that ask for " + KdfParams.DEFAULT.memoryKib() / 1024
                            + " MiB; this header was written by something else");
        }
        return new VaultKey(SecretBytes.adopt(key), params, salt);
    }

    /** A key received whole (from a session), for a file with these parameters and salt. Adopts {@code key}. */
    public static VaultKey of(SecretBytes key, KdfParams params, byte[] salt) {
        return new VaultKey(key, params, salt);
    }

    /** An independent copy, closed separately. */
    public VaultKey copy() {
        byte[] raw = key.reveal();
        return new VaultKey(SecretBytes.adopt(raw), params, salt);
    }

    /** Whether this key was derived for a file with these parameters and salt. */
    public boolean fits(KdfParams params, byte[] salt) {
        return this.params.equals(params) && Arrays.equals(this.salt, salt);
    }

    public SecretBytes key() {
        return key;
    }

    public KdfParams params() {
        return params;
    }

    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public void close() {
        key.destroy();
    }
}
