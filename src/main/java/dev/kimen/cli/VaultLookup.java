package dev.kimen.cli;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.projection.source.SecretLookup;
import dev.kimen.unlock.Unlocker;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;

/**
 * The vault as projection sees it: opened (and the passphrase asked for) only when a projection
 * first names a secret, so maps of constants and commands need no vault at all.
 */
final class VaultLookup implements SecretLookup, AutoCloseable {
    private final VaultStore store;
    private Vault vault;

    VaultLookup(Context ctx, VaultOptions options) {
        Path path = options.location(ctx).path();
        var unlocker = new Unlocker(options.unlock(ctx, path));
        this.store = new VaultStore(path, unlocker);
        unlocker.readStdinNow(); // even if no projection needs the vault: stdin may go to a child
    }

    @Override
    public SecretBytes get(String name) {
        if (vault == null) {
            vault = store.open();
        }
        return vault.get(name);
    }

    @Override
    public void close() {
        if (vault != null) {
            vault.close();
        }
        store.close();
    }
}
