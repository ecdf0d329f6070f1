package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.json.Json;
import dev.kimen.sync.Remote;
import dev.kimen.sync.Remotes;
import dev.kimen.sync.Sync;
import dev.kimen.sync.ThreeWayMerge;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen sync init|push|pull|status|unlock}: team sync with a directory remote. */
@Command(name = "sync", description = {"Share a vault with a team through a remote that only ever holds ciphertext",
        "(vault.age, sealed to the team's age recipients). Pull merges per name, three ways; conflicts stop it (31)."},
        subcommands = {SyncCommands.Init.class, SyncCommands.Push.class, SyncCommands.Pull.class,
                SyncCommands.StatusCmd.class, SyncCommands.Resolve.class, SyncCommands.Unlock.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen sync init --remote team --identity ~/.config/kimen/team-key.txt --recipient age1…",
                "  kimen sync pull --remote team", "  kimen sync push --remote team"})
public final class SyncCommands extends GroupCommand {
    @Mixin VaultOptions vault;

    public SyncCommands(Context ctx) {
        super(ctx);
    }

    /** A sync step against one remote of the selected vault. */
    abstract static class SyncCommand extends BaseCommand {
        @Mixin VaultOptions vault;

        @Option(names = "--remote", required = true, paramLabel = "<name>", description = "The remote (kimen remote list).")
        String remoteName;

        @Option(names = "--identity", paramLabel = "<file>",
                description = "Your age identity for this remote. Default: the one the remote remembers.")
        String identityFile;

        SyncCommand(Context ctx) {
            super(ctx);
        }

        <R> R withSync(Function<Sync, R> step) {
            try (VaultStore store = vault.store(ctx)) {
                Remote remote = new Remotes(ctx.config(), store.path(), ctx.cwd()).get(remoteName);
                String identity = identityFile != null ? ctx.resolve(identityFile).toString() : remote.identity();
                if (identity == null) {
                    throw KimenException.of(Reason.USAGE, "sync needs your age identity for " + remoteName,
                            "give --identity <file>, or remember one: kimen remote set " + remoteName + " "
                                    + remote.url().text() + " --identity <file>");
                }
                List<AgeIdentity> ids = AgeIdentity.readFile(Path.of(identity));
                try {
                    return step.apply(new Sync(store, remote, ids, ctx.dirs()));
                } finally {
                    ids.forEach(AgeIdentity::close);
                }
            }
        }

        Map<String, Object> json(Sync.Report r) {
            return Json.object("remote", remoteName, "local_changes", changes(r.local()), "remote_changes",
                    changes(r.remote()), "conflicts", r.conflicts(), "local_changed", r.localChanged(),
                    "backup", r.backup() == null ? null : r.backup().toString(), "recipients", r.recipients());
        }

        private static List<Map<String, Object>> changes(List<ThreeWayMerge.Change> changes) {
            return changes.stream().map(c -> Json.object("name", c.name(), "change", c.kind().name().toLowerCase()))
                    .toList();
        }
    }

    @Command(name = "init", description = "Set up an empty remote: your vault, sealed to you and the --recipient members.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync init --remote team --identity key.txt --recipient age1…"})
    static final class Init extends SyncCommand {
        @Option(names = "--recipient", paramLabel = "age1…", description = "Another member's recipient (repeatable).")
        List<String> recipients = new ArrayList<>();

        Init(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(sync -> sync.init(recipients));
            if (identityFile != null) {
                rememberIdentity();
            }
            return ok("sync_init", json(r), "remote " + remoteName + " set up for " + r.recipients() + " recipient"
                    + (r.recipients() == 1 ? "" : "s"));
        }

        private void rememberIdentity() {
            var remotes = new Remotes(ctx.config(), VaultStore.canonical(vault.location(ctx).path()), ctx.cwd());
            Remote remote = remotes.get(remoteName);
            if (remote.identity() == null) {
                remotes.set(remoteName, remote.url().text(), ctx.resolve(identityFile));
                ctx.config().save();
            }
        }
    }

    @Command(name = "push", description = "Publish your vault; refused when the remote moved (pull first), is locked, or was never synced.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync push --remote team"})
    static final class Push extends SyncCommand {
        Push(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::push);
            return ok("sync_push", json(r), "pushed to " + remoteName);
        }
    }

    @Command(name = "pull", description = {"Merge the remote into your vault, per name: one-sided changes are taken; names",
            "changed differently on both sides stop the pull (31) and change nothing. A changed vault is backed up first."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync pull --remote team", "  kimen sync pull --remote team --json"})
    static final class Pull extends SyncCommand {
        Pull(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::pull);
            return ok("sync_pull", json(r), r.localChanged()
                    ? "pulled " + r.remote().size() + " change" + (r.remote().size() == 1 ? "" : "s") + " from " + remoteName
                            + " (backup: " + r.backup() + ")"
                    : "already up to date with " + remoteName);
        }
    }

    @Command(name = "status", description = "Names changed locally and remotely since the last sync, and conflicts. Never values.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync status --remote team --json"})
    static final class StatusCmd extends SyncCommand {
        StatusCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::status);
            var human = new StringBuilder(remoteName + ": " + r.local().size() + " local, " + r.remote().size()
                    + " remote change(s), " + r.conflicts().size() + " conflict(s)");
            r.conflicts().forEach(n -> human.append("\n  conflict: ").append(n));
            return ok("sync_status", json(r), human.toString());
        }
    }

    @Command(name = "resolve", description = {"Settle one name changed on both sides: --take local keeps yours (push it",
            "next), --take remote takes the remote's into your vault."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync resolve prod.db_url --take remote --remote team"})
    static final class Resolve extends SyncCommand {
        @picocli.CommandLine.Parameters(paramLabel = "<name>", description = "The name in conflict.")
        String name;

        @Option(names = "--take", required = true, paramLabel = "local|remote", description = "Which side's value wins.")
        String take;

        Resolve(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            if (!take.equals("local") && !take.equals("remote")) {
                throw KimenException.of(Reason.USAGE, "--take is local or remote");
            }
            Sync.Report r = withSync(sync -> sync.resolve(name, take.equals("local")));
            return ok("sync_resolve", json(r), name + ": took the " + take + " value"
                    + (take.equals("local") ? "; push it with: kimen sync push --remote " + remoteName : ""));
        }
    }

    @Command(name = "unlock", description = "Remove a push lock a crashed push left on the remote (only when no one is pushing).",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync unlock --remote team"})
    static final class Unlock extends SyncCommand {
        Unlock(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            boolean removed = withSync(Sync::unlock);
            if (removed) {
                ctx.warn("removed the lock on " + remoteName + "; if a push was still running, it may now clash");
            }
            return ok("sync_unlock", Json.object("remote", remoteName, "removed", removed),
                    removed ? "lock removed" : "the remote was not locked");
        }
    }
}
