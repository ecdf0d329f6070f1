package dev.kimen.cli;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.keyring.Keyring;
import dev.kimen.projection.source.SecretLookup;
import dev.kimen.unlock.Unlocker;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The vault as projection sees it: opened (and the passphrase asked for) only when a projection
 * first names a secret, so maps of constants and commands need no vault at all.
 */
final class VaultLookup implements SecretLookup, AutoCloseable {
    private final VaultStore store;
    private final Map<String, String> env;
    private final Context ctx;
    /** The secrets read, for the access log. */
    private final java.util.Set<String> read = new java.util.TreeSet<>();
    private Vault vault;
    private Keyring keyring;

    VaultLookup(Context ctx, VaultOptions options) {
        this.env = ctx.env();
        this.ctx = ctx;
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
        SecretBytes value = vault.get(name);
        read.add(name);
        return value;
    }

    /** The OS keyring, opened on first use; {@code keyring_unavailable} when there is none. */
    @Override
    public Optional<SecretBytes> keyring(String name) {
        if (keyring == null) {
            keyring = ctx.keyring();
        }
        return keyring.get(name);
    }

    @Override
    public boolean mimaStoreIsVault() {
        return ctx.config().mimaStore() == dev.kimen.config.Config.MimaStore.VAULT;
    }

    @Override
    public void close() {
        ctx.recordAccess(read);
        read.clear(); // closed twice by run (once before the child starts): one entry
        if (keyring != null) {
            keyring.close();
        }
        if (vault != null) {
            vault.close();
        }
        store.close();
    }
}
