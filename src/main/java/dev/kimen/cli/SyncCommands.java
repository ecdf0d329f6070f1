package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.sync.Remote;
import dev.kimen.sync.Remotes;
import dev.kimen.sync.Sync;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kimen sync}: on its own, pull (reconciling) then push, as one report; with a subcommand,
 * one step of team sync.
 */
@Command(name = "sync", description = {"Share a vault with a team through a remote it does not trust.",
        "The remote holds ciphertext (vault.age, sealed to the members) and a log of states each signed "
        + "by a member, which every member verifies. On its own: pull --reconcile, then push, as one "
        + "report. Conflicts stop it (31); an unsafe or unverified remote stops it (32). Nothing is "
        + "overwritten without a backup."},
        subcommands = {SyncCommands.Init.class, SyncCommands.Preflight.class, SyncCommands.StatusCmd.class,
                SyncCommands.Conflicts.class, SyncCommands.Changes.class, SyncCommands.Push.class,
                SyncCommands.Pull.class, SyncCommands.Resolve.class, SyncCommands.ResetBaseline.class,
                SyncCommands.Unlock.class, SyncCommands.Restore.class, SyncMemberCommands.Recipients.class,
                SyncMemberCommands.Whoami.class, SyncMemberCommands.Upgrade.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen sync init --remote team --identity ~/.config/kimen/team-key.txt --member bob@laptop=age1…+ed25519:…",
                "  kimen sync pull --expect SHA256:…  # join: the fingerprint a member gave you",
                "  kimen sync                       # pull --reconcile, then push", "  kimen sync --json",
                "  kimen sync preflight --strict --json"})
public final class SyncCommands extends SyncCommand {
    @Option(names = "--expect", paramLabel = "SHA256:…", description = "Trust a team seen for the first time only if "
            + "its members have this fingerprint (a member shows it: kimen sync recipients list).")
    String expect;

    public SyncCommands(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        var steps = new ArrayList<Map<String, Object>>();
        var human = new StringBuilder();
        try {
            withSync(sync -> {
                Sync.Report pulled = sync.pull(true, expect, askAtTerminal());
                steps.add(step("pull", json(pulled)));
                human.append(Pull.summary(pulled, remote)).append('\n');
                Sync.Report pushed = sync.push();
                steps.add(step("push", json(pushed)));
                human.append(Push.summary(pushed, remote));
                warnRemoved(pushed.removed(), pushed.rotate());
                warnNotes(pushed);
                return null;
            });
        } catch (KimenException e) {
            if (remote == null) {
                throw e; // no remote chosen: nothing was tried
            }
            var failed = step(steps.isEmpty() ? "pull" : "push",
                    Json.object("error", e.getMessage(), "reason", e.reason().code(), "hint", e.hint()));
            failed.put("ok", false);
            steps.add(failed);
            if (json()) {
                return report("sync", Json.object("remote", remote, "steps", steps), e.reason(), null);
            }
            ctx.out().print(human);
            return ErrorRenderer.render(e, false, ctx.err());
        }
        return report("sync", Json.object("remote", remote, "steps", steps), null, human.toString());
    }

    private static Map<String, Object> step(String name, Map<String, Object> fields) {
        var step = Json.object("step", name, "ok", true);
        step.putAll(fields);
        step.remove("remote");
        return step;
    }

    @Command(name = "init", description = "Set up an empty remote: your vault, sealed to you and the --member members, "
            + "as the team's first signed state. Prints the members' fingerprint, which joining members check.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync init --remote team --identity key.txt --member "
                    + "bob@laptop=age1…+ed25519:…"})
    static final class Init extends SyncMemberCommands.FirstStateCommand {
        Init(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(sync -> sync.init(members, label()));
            if (identityFile != null) {
                rememberIdentity();
            }
            return printed("sync_init", r, "set up");
        }

        private void rememberIdentity() {
            var remotes = new Remotes(ctx.config(), VaultStore.canonical(vault.location(ctx).path()), ctx.cwd());
            Remote r = remotes.get(remote);
            if (r.identity() == null) {
                remotes.set(remote, r.url().text(), ctx.resolve(identityFile));
                ctx.config().save();
            }
        }
    }

    @Command(name = "preflight", description = {"Check that syncing is safe; change nothing.",
            "Checks that the remote is reachable, this vault has a readable baseline, the remote verifies "
            + "(signed by members, no rollback, a team you confirmed), it is unlocked, you are a member, and "
            + "nothing conflicts. The report goes to stdout; --strict exits 32 on a failed precondition (31 "
            + "when only conflicts fail)."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync preflight --remote team --strict --json"})
    static final class Preflight extends SyncCommand {
        @Option(names = "--strict", description = "Exit non-zero when a check fails (for CI gates).")
        boolean strict;

        Preflight(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            List<Sync.Check> checks = withSync(Sync::preflight);
            Reason failure = Sync.failure(checks);
            var human = new StringBuilder(remote + ": " + (failure == null ? "ready to sync" : "not ready to sync"));
            checks.forEach(c -> human.append(String.format("%n  %-7s %-17s %s", c.status().name().toLowerCase(),
                    c.name(), c.detail())));
            var fields = Json.object("remote", remote, "strict", strict, "checks", checks.stream()
                    .map(c -> Json.object("name", c.name(), "status", c.status().name().toLowerCase(), "detail",
                            c.detail(), "reason", c.reason() == null ? null : c.reason().code()))
                    .toList());
            return report("sync_preflight", fields, strict ? failure : null, human.toString());
        }
    }

    @Command(name = "status", description = "Names changed locally and remotely since the last sync, and conflicts. "
            + "Never values.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync status --remote team --json"})
    static final class StatusCmd extends SyncCommand {
        StatusCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::status);
            var human = new StringBuilder(remote + ": " + dev.kimen.text.Counts.of(r.local().size(), "local change") + ", "
                    + dev.kimen.text.Counts.of(r.remote().size(), "remote change") + ", " + dev.kimen.text.Counts.of(r.conflicts().size(), "conflict"));
            r.conflicts().forEach(n -> human.append("\n  conflict: ").append(n));
            return ok("sync_status", json(r), human.toString());
        }
    }

    @Command(name = "conflicts", description = "List the names changed differently on both sides (never values). "
            + "--strict exits 31 when there are any.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync conflicts --remote team --strict --json"})
    static final class Conflicts extends SyncCommand {
        @Option(names = "--strict", description = "Exit 31 when a name is in conflict.")
        boolean strict;

        Conflicts(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            List<String> conflicts = withSync(Sync::status).conflicts();
            String human = conflicts.isEmpty() ? "no conflicts with " + remote : String.join("\n", conflicts);
            return report("sync_conflicts", Json.object("remote", remote, "conflicts", conflicts, "strict", strict),
                    strict && !conflicts.isEmpty() ? Reason.SYNC_CONFLICT : null, human);
        }
    }

    @Command(name = "changes", description = "Names added, changed or removed locally and remotely since the last "
            + "sync. Never values.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync changes --remote team", "  kimen sync changes --json"})
    static final class Changes extends SyncCommand {
        Changes(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::status);
            var human = new StringBuilder();
            r.local().forEach(c -> human.append(String.format("local   %-8s %s%n", kind(c), c.name())));
            r.remote().forEach(c -> human.append(String.format("remote  %-8s %s%n", kind(c), c.name())));
            var fields = json(r);
            fields.keySet().retainAll(List.of("remote", "local_changes", "remote_changes"));
            return ok("sync_changes", fields, human.isEmpty() ? "no changes since the last sync with " + remote
                    : human.toString().stripTrailing());
        }
    }

    @Command(name = "push", description = {"Publish your vault as a new state signed by you.",
            "It is sealed to the verified members (with your pending member changes). Refused when the "
            + "remote moved (pull first), is locked, fails verification, or was never synced (32)."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync push --remote team"})
    static final class Push extends SyncCommand {
        Push(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(Sync::push);
            warnRemoved(r.removed(), r.rotate());
            warnNotes(r);
            return ok("sync_push", json(r), summary(r, remote));
        }

        static String summary(Sync.Report r, String remote) {
            return r.published() ? "pushed state " + r.team().head().seq() + " to " + remote + " ("
                    + dev.kimen.text.Counts.of(r.recipients(), "member") + ", fingerprint " + r.team().membership().fingerprint() + ")"
                    : "nothing to push: " + remote + " already has this vault";
        }
    }

    @Command(name = "pull", description = {"Take the remote's changes, once they verify.",
            "The first pull of a team asks you to confirm its members' fingerprint (--expect, or yes at the "
            + "terminal). When both sides changed (different names), only --reconcile merges them per name; "
            + "without it the pull stops (31). Names changed differently on both sides always stop it (31). A "
            + "stopped pull changes nothing; a changed vault is backed up first."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync pull --remote team --expect SHA256:…   # joining",
                    "  kimen sync pull --reconcile --json"})
    static final class Pull extends SyncCommand {
        @Option(names = "--reconcile", description = "Merge per name when both sides changed.")
        boolean reconcile;

        @Option(names = "--expect", paramLabel = "SHA256:…", description = "Trust a team seen for the first time only if "
                + "its members have this fingerprint (a member shows it: kimen sync recipients list). Without it, a "
                + "first pull asks at the terminal, or stops (32, membership_unconfirmed).")
        String expect;

        Pull(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Report r = withSync(sync -> sync.pull(reconcile, expect, askAtTerminal()));
            return ok("sync_pull", json(r), summary(r, remote));
        }

        static String summary(Sync.Report r, String remote) {
            return r.localChanged() ? "pulled " + dev.kimen.text.Counts.of(r.remote().size(), "change") + " from " + remote
                    + " (backup: " + r.backup() + ")" : "already up to date with " + remote;
        }
    }

    @Command(name = "resolve", description = "Settle one name changed on both sides: --take local keeps yours (push it "
            + "next), --take remote takes the remote's into your vault (after a backup).",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync resolve prod.db_url --take remote --remote team"})
    static final class Resolve extends SyncCommand {
        @Parameters(paramLabel = "<name>", description = "The name in conflict.")
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
            var fields = json(r);
            fields.put("resolved", name);
            return ok("sync_resolve", fields, name + ": took the " + take + " value"
                    + (r.conflicts().isEmpty() ? "; next: kimen sync --remote " + remote + " (pull --reconcile, then push)"
                            : "; " + dev.kimen.text.Counts.of(r.conflicts().size(), "conflict") + " left: " + String.join(", ", r.conflicts())));
        }
    }

    @Command(name = "reset-baseline", description = "Forget what this vault last agreed on with the remote (e.g. after "
            + "changing identity). The next pull merges as a first join: names that differ become conflicts.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync reset-baseline --remote team",
                    "  kimen sync pull --reconcile --remote team"})
    static final class ResetBaseline extends SyncCommand {
        @Option(names = "--forget-team", description = "Also forget the team state you last verified (its members and "
                + "sequence): the next pull asks you to confirm the team again. For a team that was set up anew.")
        boolean forgetTeam;

        ResetBaseline(Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsIdentity() {
            return false;
        }

        @Override
        public Integer call() {
            boolean removed = withSync(sync -> sync.resetBaseline(forgetTeam));
            return ok("sync_reset_baseline", Json.object("remote", remote, "removed", removed), removed
                    ? "baseline for " + remote + (forgetTeam ? " and its confirmed team" : "")
                            + " forgotten; next: kimen sync pull --reconcile --remote " + remote
                    : "there was nothing to forget for " + remote);
        }
    }

    @Command(name = "unlock", description = "Remove a push lock a crashed push left on the remote (only when no one is "
            + "pushing).",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync unlock --remote team"})
    static final class Unlock extends SyncCommand {
        Unlock(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            boolean removed = withSync(Sync::unlock);
            if (removed) {
                ctx.warn("removed the lock on " + remote + "; if a push was still running, it may now clash");
            }
            return ok("sync_unlock", Json.object("remote", remote, "removed", removed),
                    removed ? "lock removed" : "the remote was not locked");
        }
    }

    @Command(name = "restore", description = {"Put back the vault as it was before the last pull that changed it.",
            "Or as the backup --backup <file> names. What it replaces is backed up too, so a restore can be "
            + "undone. The newest 10 backups are kept (kimen config sync-backups). Needs no identity."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync restore --remote team", "  kimen sync restore --list",
                    "  kimen sync restore --backup ~/.local/share/kimen/sync/…/backups/team-1763900000000.kv"})
    static final class Restore extends SyncCommand {
        @Option(names = "--backup", paramLabel = "<file>", description = "The backup to restore. Default: the newest.")
        String backup;

        @Option(names = "--list", description = "List the backups, oldest first, and change nothing.")
        boolean list;

        Restore(Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsIdentity() {
            return false;
        }

        @Override
        public Integer call() {
            if (list) {
                List<String> all = withSync(Sync::backups).stream().map(Path::toString).toList();
                int keep = ctx.config().syncBackups();
                return ok("sync_restore_list", Json.object("remote", remote, "backups", all, "keep", keep),
                        (all.isEmpty() ? "no backups for " + remote : String.join("\n", all)) + "\n(the newest " + keep
                                + " are kept; change it with: kimen config sync-backups <n>)");
            }
            Path[] done = withSync(sync -> sync.restore(backup == null ? null : ctx.resolve(backup)));
            ctx.warn("where the restore changed your vault it now differs from " + remote + ": the next kimen sync"
                    + " pushes those differences to the team (kimen sync changes lists them)");
            return ok("sync_restore", Json.object("remote", remote, "restored", done[0].toString(), "backup",
                    done[1].toString()), "restored " + done[0] + " (what it replaced: " + done[1] + ")");
        }
    }
}
