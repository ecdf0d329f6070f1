package dev.kimen.vault;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.store.VaultStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Vaults for tests: real v2 files, with cheap Argon2id parameters (the header carries them). */
public final class TestVaults {
    public static final KdfParams CHEAP = new KdfParams(64, 1, 1);

    private TestVaults() {}

    public static VaultStore create(Path path, String passphrase) {
        var store = new VaultStore(path, () -> SecretBytes.ofUtf8(passphrase));
        store.create(SecretBytes.ofUtf8(passphrase), CHEAP);
        return store;
    }

    public static void put(VaultStore store, String name, String value) {
        store.update(v -> {
            v.put(name, SecretBytes.ofUtf8(value));
            return null;
        });
    }

    public static String value(Vault vault, String name) {
        return new String(vault.get(name).reveal(), StandardCharsets.UTF_8);
    }
}
