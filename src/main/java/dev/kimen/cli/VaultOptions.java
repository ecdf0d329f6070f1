package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.unlock.SessionKeys;
import dev.kimen.unlock.UnlockInputs;
import dev.kimen.unlock.Unlocker;
import dev.kimen.vault.store.VaultStore;
import dev.kimen.vault.VaultLocation;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options of every command that opens a vault: which vault, and where its passphrase comes from.
 * Accepted on the command and on its parents ({@code kimen --vault x secret list}): the factory
 * hands every command the same instance.
 */
public final class VaultOptions {
    @Option(names = "--vault", paramLabel = "<path>",
            description = "Vault file. Default: $KIMEN_VAULT, then the configured path, then ~/.config/kimen/vault.kv.")
    String vault;

    @Option(names = "--passphrase-cmd", paramLabel = "<cmd>",
            description = "Command that prints the passphrase (run without a shell, split on whitespace).")
    String passphraseCmd;

    @Option(names = "--passphrase-stdin", description = "Read the passphrase from stdin (one trailing newline is dropped).")
    boolean passphraseStdin;

    public VaultLocation location(Context ctx) {
        return VaultLocation.resolve(vault, ctx.env(), ctx::config, ctx.dirs(), ctx.cwd());
    }

    /** The passphrase chain's inputs, the session included (looked up only if the chain gets that far). */
    public UnlockInputs unlock(Context ctx, Path vaultPath) {
        if (ctx.handOff() != null) { // in the session daemon: its held keys only
            return new UnlockInputs(ctx.env(), passphraseCmd, passphraseStdin, ctx.in(),
                    Optional.of(ctx.handOff().unlocking(ctx, this, vaultPath)),
                    Optional.empty(), ctx.terminal(), vaultPath);
        }
        SessionKeys session = (vault, params, salt) -> ctx.session().keyFor(vault, params, salt);
        return new UnlockInputs(ctx.env(), passphraseCmd, passphraseStdin, ctx.in(), Optional.of(session),
                ctx.config().unlockMethod(), ctx.terminal(), vaultPath);
    }

    /** The selected vault; its key comes from the whole chain, the session included, when first needed. */
    public VaultStore store(Context ctx) {
        Path path = location(ctx).path();
        return new VaultStore(path, new Unlocker(unlock(ctx, path)));
    }

    /**
     * The selected vault, unlocked only by a passphrase: for commands that must prove the user
     * knows it ({@code vault rekey}, {@code session start}), which a session is no proof of.
     */
    public VaultStore storeByPassphrase(Context ctx) {
        Path path = location(ctx).path();
        return new VaultStore(path, new Unlocker(unlock(ctx, path).withoutSession()));
    }

    /** Refuses a second reader of stdin next to {@code --passphrase-stdin}. */
    public void stdinOnlyOnce(boolean otherUse, String otherOption) {
        if (otherUse && passphraseStdin) {
            throw KimenException.of(Reason.USAGE, "--passphrase-stdin and " + otherOption + " cannot both read stdin",
                    "give the passphrase through KIMEN_PASSPHRASE or --passphrase-cmd instead");
        }
    }
}
