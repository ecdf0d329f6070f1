package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.Config;
import dev.kimen.json.Json;
import dev.kimen.process.HelperCommand;
import dev.kimen.unlock.UnlockMethod;
import java.util.function.Predicate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen config path|show|vault …|unlock …}. */
@Command(name = "config", description = "Show and change the user's kimen configuration.",
        subcommands = {ConfigCommands.PathCmd.class, ConfigCommands.Show.class, ConfigCommands.VaultCfg.class,
                ConfigCommands.UnlockCfg.class, ConfigCommands.AccessLogCfg.class, ConfigCommands.SyncBackupsCfg.class,
                ConfigCommands.MimaStoreCfg.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen config path", "  kimen config show",
                "  kimen config vault set ~/secrets/work.kv",
                "  kimen config unlock set --command 'pass show kimen'"})
public final class ConfigCommands extends GroupCommand {
    public ConfigCommands(Context ctx) {
        super(ctx);
    }

    @Command(name = "path", description = "Print where the config file is ($XDG_CONFIG_HOME/kimen/config.json).",
            footerHeading = "%nExamples:%n", footer = {"  kimen config path"})
    static final class PathCmd extends BaseCommand {
        PathCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            String path = ctx.configFile().toString();
            return ok("config_path", Json.object("path", path), path);
        }
    }

    @Command(name = "show", description = "Print the config file as it is ({} when there is none). Always JSON.",
            footerHeading = "%nExamples:%n", footer = {"  kimen config show"})
    static final class Show extends BaseCommand {
        Show(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            ctx.config(); // refuses a malformed file with a clear error
            String text = Config.readText(ctx.configFile());
            ctx.out().print(text == null ? "{}\n" : text.endsWith("\n") ? text : text + "\n");
            return 0;
        }
    }

    @Command(name = "vault", description = "The default vault path (used when neither --vault nor KIMEN_VAULT is set).",
            subcommands = {VaultSet.class, VaultShow.class, VaultClear.class},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen config vault set ~/secrets/work.kv", "  kimen config vault show",
                    "  kimen config vault clear"})
    static final class VaultCfg extends GroupCommand {
        VaultCfg(Context ctx) {
            super(ctx);
        }
    }

    @Command(name = "set", description = "Remember a default vault path (stored absolute).",
            footerHeading = "%nExamples:%n", footer = {"  kimen config vault set ~/secrets/work.kv"})
    static final class VaultSet extends BaseCommand {
        @Parameters(paramLabel = "<path>", description = "Vault file path.")
        String path;

        VaultSet(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            if (path.isBlank()) {
                throw KimenException.of(Reason.USAGE, "vault path is empty");
            }
            String abs = ctx.resolve(path).toString();
            Config config = ctx.config();
            config.setVaultPath(abs);
            config.save();
            return ok("config_vault_set", Json.object("path", abs), "default vault: " + abs);
        }
    }

    @Command(name = "access-log", description = {"Turn the local access log on or off, or say which it is.",
        "On, every command that reads secrets adds a line (time, command, directory, secret names; never values)"
            + " to $XDG_DATA_HOME/kimen/access.log; kimen log reads it."},
            footerHeading = "%nExamples:%n", footer = {"  kimen config access-log on", "  kimen config access-log --json"})
    static final class AccessLogCfg extends BaseCommand {
        @picocli.CommandLine.Parameters(paramLabel = "on|off", arity = "0..1", description = "The new setting;"
                + " without it, print the current one.")
        String setting;

        AccessLogCfg(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Config config = ctx.config();
            if (setting != null) {
                if (!setting.equals("on") && !setting.equals("off")) {
                    throw KimenException.of(Reason.USAGE, "access-log takes on or off, not " + setting,
                            "kimen config access-log on");
                }
                config.setAccessLog(setting.equals("on"));
                config.save();
            }
            boolean on = config.accessLog();
            return ok("config_access_log", Json.object("enabled", on), "access log " + (on ? "on" : "off"));
        }
    }

    @Command(name = "sync-backups", description = {"How many backups of a vault sync keeps per remote (the newest;"
            + " default 10). A backup holds the values of its day, so fewer means old values of rotated secrets leave"
            + " the disk sooner.", "Without a number, print the current setting."},
            footerHeading = "%nExamples:%n", footer = {"  kimen config sync-backups 20", "  kimen config sync-backups --json"})
    static final class SyncBackupsCfg extends BaseCommand {
        @Parameters(paramLabel = "<n>", arity = "0..1", description = "1 to 1000.")
        Integer keep;

        SyncBackupsCfg(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Config config = ctx.config();
            if (keep != null) {
                if (keep < 1 || keep > 1000) {
                    throw KimenException.of(Reason.USAGE, "sync-backups takes a number from 1 to 1000",
                            "kimen config sync-backups 10");
                }
                config.setSyncBackups(keep);
                config.save();
            }
            int n = config.syncBackups();
            return ok("config_sync_backups", Json.object("backups", n), "sync keeps the newest " + dev.kimen.text.Counts.of(n, "backup"));
        }
    }

    @Command(name = "mima-store", description = {"Where mima keeps its secrets: keyring (the default) or vault.",
            "keyring is the OS keyring, vault kimen's vault. mima secret add|get|list|rm work there, and a "
            + "bare name in a group is read from there. With keyring and no keyring answering, mima fails "
            + "(27 keyring_unavailable) rather than use the vault.",
            "Without a store, print the current one."},
            footerHeading = "%nExamples:%n", footer = {"  ${COMMAND-FULL-NAME} vault   # e.g. a headless"
                    + " box with no Secret Service", "  ${COMMAND-FULL-NAME} --json"})
    static class MimaStoreCfg extends BaseCommand { // also mima's `config store` (MimaCommand.StoreCfg)
        @Parameters(paramLabel = "keyring|vault", arity = "0..1", description = "The new store.")
        String store;

        MimaStoreCfg(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Config config = ctx.config();
            if (store != null) {
                Config.MimaStore chosen = switch (store) {
                    case "keyring" -> Config.MimaStore.KEYRING;
                    case "vault" -> Config.MimaStore.VAULT;
                    default -> throw KimenException.of(Reason.USAGE, "the store is keyring or vault",
                            Cli.program() + " config " + (Cli.program().equals("mima") ? "store" : "mima-store") + " vault");
                };
                config.setMimaStore(chosen);
                config.save();
            }
            Config.MimaStore now = config.mimaStore();
            return ok("config_mima_store", Json.object("store", now.word()), "mima keeps its secrets in "
                    + (now == Config.MimaStore.KEYRING ? "the OS keyring" : "kimen's vault"));
        }
    }

    @Command(name = "show", description = "Print the configured vault path (nothing when unset).",
            footerHeading = "%nExamples:%n", footer = {"  kimen config vault show --json"})
    static final class VaultShow extends BaseCommand {
        VaultShow(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            String path = ctx.config().vaultPath().orElse(null);
            return ok("config_vault_show", Json.object("path", path), path);
        }
    }

    @Command(name = "clear", description = "Forget the configured vault path.",
            footerHeading = "%nExamples:%n", footer = {"  kimen config vault clear"})
    static final class VaultClear extends BaseCommand {
        VaultClear(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return clearSetting(this, Config::clearVaultPath, "config_vault_clear", "default vault path");
        }
    }

    @Command(name = "unlock", description = "The configured unlock method, tried after the session and before the prompt.",
            subcommands = {UnlockSet.class, UnlockShow.class, UnlockClear.class},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen config unlock set --command 'pass show kimen'", "  kimen config unlock show",
                    "  kimen config unlock clear"})
    static final class UnlockCfg extends GroupCommand {
        UnlockCfg(Context ctx) {
            super(ctx);
        }
    }

    @Command(name = "set", description = "Unlock with a command that prints the passphrase (run without a shell), or"
            + " with an OS keyring item holding it.",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen config unlock set --command 'pass show kimen'",
                    "  kimen secret set vault-passphrase --store keyring && kimen config unlock set --keyring vault-passphrase"})
    static final class UnlockSet extends BaseCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Method method;

        static final class Method {
            @Option(names = "--command", paramLabel = "<cmd>",
                    description = "Command line, split on whitespace; its stdout (minus one trailing newline) is the passphrase.")
            String command;

            @Option(names = "--keyring", paramLabel = "<item>",
                    description = "A kimen item of the OS keyring (secret set <item> --store keyring) holding the passphrase.")
            String keyring;
        }

        UnlockSet(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Config config = ctx.config();
            if (method.keyring != null) {
                if (method.keyring.isBlank()) {
                    throw KimenException.of(Reason.USAGE, "--keyring needs an item name");
                }
                config.setUnlockKeyring(method.keyring.strip());
                config.save();
                return ok("config_unlock_set", Json.object("method", "keyring", "item", method.keyring.strip()),
                        "unlock method: keyring item " + method.keyring.strip());
            }
            String command = method.command.strip();
            if (HelperCommand.split(command).isEmpty()) {
                throw KimenException.of(Reason.USAGE, "unlock command is empty");
            }
            config.setUnlockCommand(command);
            config.save();
            return ok("config_unlock_set", Json.object("method", "command", "command", command),
                    "unlock method: command '" + command + "'");
        }
    }

    @Command(name = "show", description = "Print the configured unlock method (nothing when unset).",
            footerHeading = "%nExamples:%n", footer = {"  kimen config unlock show --json"})
    static final class UnlockShow extends BaseCommand {
        UnlockShow(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return switch (ctx.config().unlockMethod().orElse(null)) {
                case null -> ok("config_unlock_show", Json.object("method", null), null);
                case UnlockMethod.Command c -> ok("config_unlock_show", Json.object("method", "command",
                        "command", c.commandLine()), "command '" + c.commandLine() + "'");
                case UnlockMethod.KeyringItem k -> ok("config_unlock_show", Json.object("method", "keyring",
                        "item", k.name()), "keyring item " + k.name());
            };
        }
    }

    @Command(name = "clear", description = "Forget the configured unlock method.",
            footerHeading = "%nExamples:%n", footer = {"  kimen config unlock clear"})
    static final class UnlockClear extends BaseCommand {
        UnlockClear(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return clearSetting(this, Config::clearUnlock, "config_unlock_clear", "unlock method");
        }
    }

    /** Removes one setting (saving only when something changed) and reports whether it was there. */
    static int clearSetting(BaseCommand cmd, Predicate<Config> clear, String action, String what) {
        Config config = cmd.ctx.config();
        boolean removed = clear.test(config);
        if (removed) {
            config.save();
        }
        return cmd.ok(action, Json.object("cleared", removed), removed ? what + " cleared" : "no " + what + " was set");
    }
}
