package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.json.Json;
import dev.kimen.sync.Member;
import dev.kimen.sync.Remote;
import dev.kimen.sync.Remotes;
import dev.kimen.sync.Sync;
import dev.kimen.sync.TeamState;
import dev.kimen.sync.ThreeWayMerge;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A sync step against one remote of the selected vault: the options every {@code sync} command shares. */
abstract class SyncCommand extends BaseCommand {
    @Mixin VaultOptions vault;

    @Option(names = "--remote", paramLabel = "<name>",
            description = "The remote (kimen remote list). Default: the vault's only remote.")
    String remoteName;

    @Option(names = "--identity", paramLabel = "<file>",
            description = "Your age identity for this remote. Default: the one the remote remembers.")
    String identityFile;

    /** The remote the command works on, once {@link #withSync} chose it. */
    String remote;

    SyncCommand(Context ctx) {
        super(ctx);
    }

    /** Whether the step needs the member's identity (restoring a local backup does not). */
    boolean needsIdentity() {
        return true;
    }

    <R> R withSync(Function<Sync, R> step) {
        try (VaultStore store = vault.store(ctx)) {
            Remote r = choose(new Remotes(ctx.config(), store.path(), ctx.cwd()));
            remote = r.name();
            List<AgeIdentity> ids = needsIdentity() ? AgeIdentity.readFile(identity(r)) : List.of();
            try {
                return step.apply(new Sync(store, r, ids, ctx.dirs(), ctx.env(), ctx.config().syncBackups()));
            } finally {
                ids.forEach(AgeIdentity::close);
            }
        }
    }

    /** The identity file: {@code --identity}, else the one {@code r} remembers. */
    Path identity(Remote r) {
        String identity = identityFile != null ? ctx.resolve(identityFile).toString() : r.identity();
        if (identity == null) {
            throw KimenException.of(Reason.USAGE, "sync needs your age identity for " + r.name(),
                    "give --identity <file>, or remember one: kimen remote set " + r.name() + " "
                            + r.url().text() + " --identity <file>");
        }
        return Path.of(identity);
    }

    Remote chooseRemote() {
        try (VaultStore store = vault.store(ctx)) {
            return choose(new Remotes(ctx.config(), store.path(), ctx.cwd()));
        }
    }

    private Remote choose(Remotes remotes) {
        if (remoteName != null) {
            return remotes.get(remoteName);
        }
        List<Remote> all = remotes.list();
        if (all.size() == 1) {
            return all.getFirst();
        }
        if (all.isEmpty()) {
            throw KimenException.of(Reason.REMOTE_NOT_FOUND, "this vault has no remote",
                    "add one: kimen remote add team <url> --identity <file>");
        }
        throw KimenException.of(Reason.USAGE, "this vault has " + all.size() + " remotes; say which with --remote ("
                + all.stream().map(Remote::name).collect(Collectors.joining(", ")) + ")");
    }

    Map<String, Object> json(Sync.Report r) {
        var fields = Json.object("remote", remote, "local_changes", changes(r.local()), "remote_changes",
                changes(r.remote()), "conflicts", r.conflicts(), "local_changed", r.localChanged(),
                "backup", r.backup() == null ? null : r.backup().toString(), "recipients", r.recipients(),
                "published", r.published(), "removed_recipients", r.removed().stream().map(Member::recipient).toList(),
                "removed_members", r.removed().stream().map(Member::label).toList());
        fields.putAll(team(r.team()));
        fields.put("notes", r.notes());
        return fields;
    }

    /** The verified state in JSON: its sequence number, signer and the members' fingerprint. */
    static Map<String, Object> team(TeamState team) {
        return Json.object("seq", team == null ? null : team.head().seq(),
                "fingerprint", team == null ? null : team.membership().fingerprint());
    }

    private static List<Map<String, Object>> changes(List<ThreeWayMerge.Change> changes) {
        return changes.stream().map(c -> Json.object("name", c.name(), "change", kind(c))).toList();
    }

    static String kind(ThreeWayMerge.Change c) {
        return c.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Prints a report that may be a failure ({@code failure} not null): under {@code --json} one
     * object on stdout with {@code ok}, {@code exit_code} and {@code reason}; otherwise {@code human}
     * on stdout. Returns the exit code.
     */
    int report(String action, Map<String, Object> fields, Reason failure, String human) {
        int code = failure == null ? 0 : failure.exitCode();
        if (json()) {
            var payload = Json.object("ok", failure == null, "action", action, "exit_code", code);
            if (failure != null) {
                payload.put("reason", failure.code());
            }
            payload.putAll(fields);
            ctx.out().println(Json.write(payload));
        } else {
            ctx.out().println(human);
        }
        return code;
    }

    /** Warns that removed members may still hold what they could read, naming what to rotate. */
    void warnRemoved(List<Member> removed, List<String> rotate) {
        if (!removed.isEmpty()) {
            ctx.warn(dev.kimen.text.Counts.of(removed.size(), "removed member") + " ("
                    + removed.stream().map(Member::label).collect(Collectors.joining(", "))
                    + ") may keep copies of every value they could read"
                    + (rotate.isEmpty() ? "" : "; rotate the credentials behind: " + String.join(", ", rotate)));
        }
    }

    /** The notes a step left for the user, as warnings on stderr. */
    void warnNotes(Sync.Report r) {
        r.notes().forEach(ctx::warn);
    }

    /**
     * Asks at the terminal whether to trust a team seen for the first time, showing its members and
     * fingerprint (as ssh shows a new host key). Without a terminal the answer is no.
     */
    Sync.Confirmation askAtTerminal() {
        return team -> {
            var prompt = new StringBuilder("kimen: " + remote + " is a team you have not confirmed yet. Its members:\n");
            team.membership().members().forEach(m -> prompt.append("  ").append(m.label()).append("  ")
                    .append(m.recipient()).append("  ").append(m.shortSigningKey()).append('\n'));
            prompt.append("Fingerprint: ").append(team.membership().fingerprint()).append('\n')
                    .append("Compare it with what a member you trust sees (kimen sync recipients list).\n")
                    .append("Trust this team? Type yes to go on: ");
            // Labels, recipients and keys were checked when the log was read: no control characters.
            String answer = ctx.terminal().readLine(prompt.toString()).orElse("").strip();
            return answer.equalsIgnoreCase("yes") || answer.equalsIgnoreCase("y");
        };
    }
}
