package dev.kimen.cli;

import dev.kimen.json.Json;
import dev.kimen.sync.Remote;
import dev.kimen.sync.RemoteUrl;
import dev.kimen.sync.Remotes;
import dev.kimen.vault.store.VaultStore;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen remote add|get|set|list|rm}: where a vault syncs with its team. */
@Command(name = "remote", description = {"Name the places a vault syncs with: a shared directory or a git repository.",
        "Remotes belong to the vault (its canonical path); they only ever hold ciphertext and public recipients."},
        subcommands = {RemoteCommands.Add.class, RemoteCommands.Get.class, RemoteCommands.SetCmd.class,
                RemoteCommands.ListCmd.class, RemoteCommands.Rm.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen remote add team git@github.com:acme/secrets.git --identity ~/.config/kimen/team-key.txt",
                "  kimen remote add share /mnt/team/kimen", "  kimen remote list --json"})
public final class RemoteCommands extends GroupCommand {
    @Mixin VaultOptions vault;

    public RemoteCommands(Context ctx) {
        super(ctx);
    }

    /** The remotes of the selected vault. */
    abstract static class RemoteCommand extends BaseCommand {
        @Mixin VaultOptions vault;

        RemoteCommand(Context ctx) {
            super(ctx);
        }

        Remotes remotes() {
            return new Remotes(ctx.config(), remotesVault(), ctx.cwd());
        }

        String vaultPath() {
            return remotesVault().toString();
        }

        java.nio.file.Path remotesVault() {
            return VaultStore.canonical(vault.location(ctx).path());
        }

        Map<String, Object> json(Remote r) {
            return Json.object("name", r.name(), "url", r.url().text(), "kind", r.url().kind(),
                    "identity", r.identity(), "vault", vaultPath());
        }
    }

    /** {@code add} and {@code set}: a name, a URL, and optionally an identity file. */
    abstract static class UrlCommand extends RemoteCommand {
        @Parameters(index = "0", paramLabel = "<name>", description = "The remote's name, e.g. team.")
        String name;

        @Parameters(index = "1", paramLabel = "<url>", description = "Where it is: " + RemoteUrl.FORMS + ".")
        String url;

        @Option(names = "--identity", paramLabel = "<file>",
                description = "The age identity file to use with it (set: keeps the old one when not given).")
        String identityFile;

        UrlCommand(Context ctx) {
            super(ctx);
        }

        java.nio.file.Path identity() {
            return identityFile == null ? null : ctx.resolve(identityFile);
        }
    }

    @Command(name = "add", description = "Add a remote: " + RemoteUrl.FORMS + ".",
            footerHeading = "%nExamples:%n", footer = {"  kimen remote add team git+ssh://git@example.com/acme/secrets.git",
                    "  kimen remote add share fs:/mnt/team/kimen --identity ~/team-key.txt"})
    static final class Add extends UrlCommand {
        Add(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Remote r = remotes().add(name, url, identity());
            ctx.config().save();
            return ok("remote_add", json(r), "added remote " + r.name() + " (" + r.url().text() + ")");
        }
    }

    @Command(name = "get", description = "Print a remote's URL.", footerHeading = "%nExamples:%n",
            footer = {"  kimen remote get team", "  kimen remote get team --json"})
    static final class Get extends RemoteCommand {
        @Parameters(paramLabel = "<name>", description = "The remote's name.")
        String name;

        Get(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Remote r = remotes().get(name);
            return ok("remote_get", json(r), r.url().text());
        }
    }

    @Command(name = "set", description = "Change a remote's URL (and identity, when given).", footerHeading = "%nExamples:%n",
            footer = {"  kimen remote set team git@github.com:acme/secrets-v2.git"})
    static final class SetCmd extends UrlCommand {
        SetCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Remote r = remotes().set(name, url, identity());
            ctx.config().save();
            return ok("remote_set", json(r), "remote " + r.name() + " is now " + r.url().text());
        }
    }

    @Command(name = "list", description = "List the vault's remotes.", footerHeading = "%nExamples:%n",
            footer = {"  kimen remote list", "  kimen remote list --vault ./team.kv --json"})
    static final class ListCmd extends RemoteCommand {
        ListCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            var all = remotes().list();
            var human = new StringBuilder();
            all.forEach(r -> human.append(human.isEmpty() ? "" : "\n").append(r.name()).append('\t').append(r.url().text()));
            return ok("remote_list", Json.object("vault", vaultPath(), "remotes", all.stream().map(this::json).toList()),
                    all.isEmpty() ? null : human.toString());
        }
    }

    @Command(name = "rm", description = "Forget a remote and what was kept locally for it (its sync baseline, pending"
            + " member changes, git cache). Nothing on the remote is touched.", footerHeading = "%nExamples:%n",
            footer = {"  kimen remote rm team"})
    static final class Rm extends RemoteCommand {
        @Parameters(paramLabel = "<name>", description = "The remote's name.")
        String name;

        Rm(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Remote r = remotes().remove(name);
            ctx.config().save();
            dev.kimen.sync.Sync.forget(ctx.dirs(), remotesVault(), r.name()); // a later remote of that name starts clean
            return ok("remote_rm", json(r), "removed remote " + r.name());
        }
    }
}
