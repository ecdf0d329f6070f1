package dev.kimen.e2e;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Vault files made and read in-process, for tests that start many processes: a legitimate
 * {@code kimen-vault/v2} file whose header carries cheap Argon2id parameters, so each bin/kimen
 * unlock costs milliseconds instead of the default 64 MiB derivation.
 */
final class Vaults {
    static final KdfParams FAST = new KdfParams(1024, 1, 1);

    private Vaults() {}

    /** Creates a vault at {@code path} holding the {@link Canary} plus {@code secrets}. */
    static Path create(Path path, String passphrase, Map<String, byte[]> secrets) {
        SecretBytes pass = SecretBytes.ofUtf8(passphrase);
        try (pass; var store = new VaultStore(path, () -> pass)) {
            store.create(pass, FAST);
            store.update(v -> {
                v.put(Canary.NAME, SecretBytes.adopt(Canary.bytes()));
                secrets.forEach((name, value) -> v.put(name, SecretBytes.adopt(value.clone())));
                return null;
            });
        }
        return path;
    }

    /** Every name and value in the vault at {@code path}. */
    static Map<String, byte[]> read(Path path, String passphrase) {
        SecretBytes pass = SecretBytes.ofUtf8(passphrase);
        try (pass; var store = new VaultStore(path, () -> pass); Vault vault = store.open()) {
            var out = new TreeMap<String, byte[]>();
            vault.entries().forEach((name, value) -> out.put(name, value.reveal()));
            return out;
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Permissions as {@code ls} shows them, e.g. {@code rw-------}. */
    static String mode(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
