package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.json.Json;
import dev.kimen.unlock.NewPassphrase;
import dev.kimen.unlock.PassphraseChain;
import dev.kimen.unlock.PassphraseStrength;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultLocation;
import dev.kimen.vault.format.VaultFile;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen vault init|path|info|rekey}. */
@Command(name = "vault", description = "Create and inspect the encrypted vault.",
        subcommands = {VaultCommands.Init.class, VaultCommands.PathCmd.class, VaultCommands.Info.class,
                VaultCommands.Rekey.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen vault init", "  kimen vault info --json", "  kimen vault rekey --dry-run"})
public final class VaultCommands extends GroupCommand {
    /** A weak new passphrase is warned about (stderr), never refused. */
    static void warnIfWeak(Context ctx, PassphraseStrength strength) {
        if (strength.weak()) {
            ctx.warn(strength.warning());
        }
    }

    @Mixin VaultOptions vault;

    public VaultCommands(Context ctx) {
        super(ctx);
    }

    @Command(name = "init", description = "Create a new empty vault (refuses to replace one).",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen vault init                     # prompts for a passphrase twice",
                    "  kimen vault init --vault ./team.kv --passphrase-cmd 'pass show kimen'"})
    static final class Init extends BaseCommand {
        @Mixin VaultOptions vault;

        Init(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            VaultLocation where = vault.location(ctx);
            if (Files.exists(where.path())) {
                throw KimenException.of(Reason.VAULT_EXISTS, "a vault already exists at " + where.path(),
                        "use it, or choose another path with --vault");
            }
            PassphraseStrength strength;
            try (SecretBytes pass = PassphraseChain.fresh(vault.unlock(ctx, where.path()));
                 var store = new VaultStore(where.path(), () -> pass)) {
                strength = PassphraseStrength.of(pass);
                store.create(pass, KdfParams.DEFAULT);
            }
            warnIfWeak(ctx, strength);
            return ok("vault_init", Json.object("path", where.path().toString(), "format", VaultFile.MAGIC,
                            "passphrase_strength", strength.json()),
                    "created vault at " + where.path() + "\nnext: kimen secret set <name>, then kimen session start"
                            + " to unlock once for a while");
        }
    }

    @Command(name = "path", description = "Print which vault file commands use, and why.",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen vault path", "  KIMEN_VAULT=./ci.kv kimen vault path --json"})
    static final class PathCmd extends BaseCommand {
        @Mixin VaultOptions vault;

        PathCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            VaultLocation where = vault.location(ctx);
            return ok("vault_path", Json.object("path", where.path().toString(), "source", where.source(),
                    "exists", Files.exists(where.path())), where.path().toString());
        }
    }

    @Command(name = "info", description = "Describe the vault file (format, KDF, mode) without unlocking it.",
            footerHeading = "%nExamples:%n", footer = {"  kimen vault info", "  kimen vault info --json"})
    static final class Info extends BaseCommand {
        @Mixin VaultOptions vault;

        Info(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path path = vault.location(ctx).path();
            VaultFile file = new VaultStore(path, () -> null).readFile();
            String mode;
            long size;
            try {
                mode = PrivateFiles.octal(Files.getPosixFilePermissions(path));
                size = Files.size(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var kdf = file.params();
            if (!mode.equals(PrivateFiles.octal(PrivateFiles.FILE_MODE))) {
                ctx.warn("vault file mode is " + mode + "; expected 0600 (fix with: chmod 600 " + path + ")");
            }
            return ok("vault_info", Json.object("path", path.toString(), "format", file.format(),
                            "kdf", Json.object("algorithm", "argon2id", "memory_kib", kdf.memoryKib(),
                                    "passes", kdf.passes(), "parallelism", kdf.parallelism()),
                            "cipher", "xchacha20-poly1305", "mode", mode, "size_bytes", size),
                    "path:   " + path + "\nformat: " + file.format()
                            + "\nkdf:    argon2id memory=" + kdf.memoryKib() + "KiB passes=" + kdf.passes()
                            + " parallelism=" + kdf.parallelism()
                            + "\ncipher: xchacha20-poly1305\nmode:   " + mode + "\nsize:   " + size + " bytes");
        }
    }

    @Command(name = "rekey", description = "Re-encrypt the vault under a new passphrase (and a fresh salt).",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen vault rekey                                  # prompts for the new passphrase twice",
                    "  kimen vault rekey --dry-run",
                    "  KIMEN_NEW_PASSPHRASE=… kimen vault rekey --backup-dir ~/vault-backups",
                    "  pass show kimen-new | kimen vault rekey --new-passphrase-stdin --no-backup"})
    static final class Rekey extends BaseCommand {
        @Mixin VaultOptions vault;

        @Option(names = "--dry-run", description = "Check both passphrases and report; change nothing.")
        boolean dryRun;

        @Option(names = "--backup-dir", paramLabel = "<path>",
                description = "Where to copy the old vault first. Default: next to the vault.")
        String backupDir;

        @Option(names = "--no-backup", description = "Do not keep a copy of the old vault.")
        boolean noBackup;

        @Option(names = "--new-passphrase-stdin", description = "Read the new passphrase from stdin.")
        boolean newStdin;

        @Option(names = "--new-passphrase-env", paramLabel = "NAME",
                description = "Read the new passphrase from this environment variable (default: KIMEN_NEW_PASSPHRASE).")
        String newEnv;

        Rekey(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            if (noBackup && backupDir != null) {
                throw KimenException.of(Reason.USAGE, "--no-backup and --backup-dir contradict each other");
            }
            vault.stdinOnlyOnce(newStdin, "--new-passphrase-stdin");
            Path path = vault.location(ctx).path();
            Path backup = noBackup ? null : backupPath(path);
            int count;
            PassphraseStrength strength;
            try (var store = vault.storeByPassphrase(ctx)) {
                try (Vault current = store.open()) { // checks the current passphrase before asking for a new one
                    count = current.size();
                }
                try (SecretBytes next = NewPassphrase.resolve(newStdin, newEnv, ctx.env(), ctx.in(), ctx.terminal())) {
                    strength = PassphraseStrength.of(next);
                    if (!dryRun) {
                        count = store.rekey(next, backup);
                        forgetSession(store.path());
                    }
                }
            }
            warnIfWeak(ctx, strength);
            String backupText = backup == null ? null : backup.toString();
            return ok("vault_rekey", Json.object("path", path.toString(), "secrets", count, "backup", backupText,
                            "dry_run", dryRun, "passphrase_strength", strength.json()),
                    (dryRun ? "would re-encrypt " : "re-encrypted ") + dev.kimen.text.Counts.of(count, "secret") + " in " + path
                            + (backup == null ? "" : (dryRun ? "; would back up to " : "; old vault kept at ") + backup));
        }

        /** A session's key was for the old salt: have the daemon drop it now rather than on next use. */
        private void forgetSession(Path vaultPath) {
            try {
                ctx.session().forget(vaultPath);
            } catch (KimenException e) {
                ctx.warn("the vault was rekeyed, but the session could not be told: " + e.getMessage());
            }
        }

        private Path backupPath(Path vaultPath) {
            Path dir = backupDir != null ? ctx.resolve(backupDir) : vaultPath.getParent();
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            String base = vaultPath.getFileName() + "." + stamp;
            Path backup = dir.resolve(base + ".bak");
            for (int i = 1; Files.exists(backup); i++) { // two rekeys within a second keep both backups
                backup = dir.resolve(base + "-" + i + ".bak");
            }
            return backup;
        }
    }
}
