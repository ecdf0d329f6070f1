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

    <R> R withSync(Function<Sync, R> step) {
        try (VaultStore store = vault.store(ctx)) {
            Remote r = choose(new Remotes(ctx.config(), store.path(), ctx.cwd()));
            remote = r.name();
            String identity = identityFile != null ? ctx.resolve(identityFile).toString() : r.identity();
            if (identity == null) {
                throw KimenException.of(Reason.USAGE, "sync needs your age identity for " + remote,
                        "give --identity <file>, or remember one: kimen remote set " + remote + " "
                                + r.url().text() + " --identity <file>");
            }
            List<AgeIdentity> ids = AgeIdentity.readFile(Path.of(identity));
            try {
                return step.apply(new Sync(store, r, ids, ctx.dirs(), ctx.env()));
            } finally {
                ids.forEach(AgeIdentity::close);
            }
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
        return Json.object("remote", remote, "local_changes", changes(r.local()), "remote_changes", changes(r.remote()),
                "conflicts", r.conflicts(), "local_changed", r.localChanged(),
                "backup", r.backup() == null ? null : r.backup().toString(), "recipients", r.recipients(),
                "published", r.published(), "removed_recipients", r.removed());
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
    void warnRemoved(List<String> removed, List<String> rotate) {
        if (!removed.isEmpty()) {
            ctx.warn(Sync.count(removed.size(), "removed member") + " may keep copies of every value they could read"
                    + (rotate.isEmpty() ? "" : "; rotate the credentials behind: " + String.join(", ", rotate)));
        }
    }
}
