package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.session.HeldVault;
import dev.kimen.session.SessionClient;
import dev.kimen.session.Ttl;
import dev.kimen.vault.VaultKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen session start|status|lock|stop}: unlock once, for a while, for this user's processes. */
@Command(name = "session", description = {"Unlock a vault once and let this user's commands use it for a while.",
        "A background daemon keeps the vault's key (never the passphrase) in memory only, per vault, and",
        "forgets it after the idle TTL. Any process running as you can use it until then: treat it as a grant."},
        subcommands = {SessionCommands.Start.class, SessionCommands.StatusCmd.class, SessionCommands.LockCmd.class,
                SessionCommands.StopCmd.class},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} session start --ttl 15m", "  ${ROOT-COMMAND-NAME} run --env API_KEY=api_key -- ./app   # no prompt",
                "  ${ROOT-COMMAND-NAME} session status", "  ${ROOT-COMMAND-NAME} session lock"})
public final class SessionCommands extends GroupCommand {
    @Mixin VaultOptions vault;

    public SessionCommands(Context ctx) {
        super(ctx);
    }

    @Command(name = "start", description = {"Check the vault's passphrase, then hand its key to the session daemon.",
            "The daemon is started when none runs. A wrong passphrase starts nothing."},
            footerHeading = "%nExamples:%n",
            footer = {"  ${ROOT-COMMAND-NAME} session start                        # prompts; 15 minutes idle",
                    "  ${ROOT-COMMAND-NAME} session start --ttl 8h --vault ./team.kv",
                    "  pass show kimen | ${ROOT-COMMAND-NAME} session start --stdin --ttl 0"})
    static final class Start extends BaseCommand {
        @Mixin VaultOptions vault;

        @Option(names = "--ttl", paramLabel = "<ttl>", defaultValue = "15m",
                description = "Idle time after which the key is forgotten; each use starts it again. "
                        + Ttl.FORMS + ". Default: ${DEFAULT-VALUE}.")
        String ttl;

        @Option(names = "--stdin", description = "Same as --passphrase-stdin.")
        boolean stdin;

        Start(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Duration idle = Ttl.parse(ttl);
            vault.passphraseStdin |= stdin;
            SessionClient session = ctx.session();
            session.where().prepare(); // an unusable session dir fails before any prompt
            Path path;
            try (var store = vault.storeByPassphrase(ctx); VaultKey key = store.unlockedKey()) {
                path = store.path();
                session.start(path, idle, key);
            }
            // A session's runs go without a JVM and make no files dir: sweep what killed runs left.
            dev.kimen.projection.run.FilesDir.sweep(ctx.env());
            Instant expires = idle.isZero() ? null : Instant.now().plus(idle).truncatedTo(ChronoUnit.SECONDS);
            return ok("session_start", Json.object("vault", path.toString(), "ttl", Ttl.format(idle),
                            "ttl_seconds", idle.toSeconds(), "expires_at", text(expires),
                            "socket", session.where().socket().toString()),
                    "session: " + path + " unlocked " + (idle.isZero() ? "with no expiry" : "for " + Ttl.format(idle)
                            + " after its last use") + "\nlock with: " + Cli.program() + " session lock");
        }
    }

    @Command(name = "status", description = "Say whether the daemon is stopped, locked (holds nothing) or unlocked, and for which vaults.",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} session status", "  ${ROOT-COMMAND-NAME} session status --json"})
    static final class StatusCmd extends BaseCommand {
        StatusCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            SessionClient session = ctx.session();
            Optional<SessionClient.Holding> holding = session.holding();
            Optional<List<HeldVault>> held = holding.map(SessionClient.Holding::vaults);
            int items = holding.map(SessionClient.Holding::keyringItems).orElse(0);
            String state = held.isEmpty() ? "stopped" : held.get().isEmpty() ? "locked" : "unlocked";
            List<Map<String, Object>> vaults = held.orElse(List.of()).stream()
                    .map(v -> Json.object("path", v.path(), "ttl", Ttl.format(v.ttl()), "ttl_seconds", v.ttl().toSeconds(),
                            "expires_at", text(v.expires())))
                    .toList();
            var human = new StringBuilder(state + switch (state) {
                case "stopped" -> " (no session daemon on " + session.where().socket() + ")";
                case "locked" -> " (the daemon runs and holds no vault key)";
                default -> ":";
            });
            held.orElse(List.of()).forEach(v -> human.append("\n  ").append(v.path()).append("  ")
                    .append(v.expires() == null ? "no expiry" : "expires " + text(v.expires())
                            + " unless used (idle TTL " + Ttl.format(v.ttl()) + ")"));
            if (items > 0) {
                human.append("\n  and ").append(dev.kimen.text.Counts.of(items, "OS keyring item"))
                        .append(" read while unlocked (forgotten with the last key, or by ")
                        .append(Cli.program()).append(" session lock)");
            }
            return ok("session_status", Json.object("state", state, "socket", session.where().socket().toString(),
                    "vaults", vaults, "keyring_items", items), human.toString());
        }
    }

    @Command(name = "lock", description = "Make the daemon forget every vault key; it keeps running.",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} session lock"})
    static final class LockCmd extends BaseCommand {
        LockCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Optional<Integer> forgotten = ctx.session().lock();
            return ok("session_lock", Json.object("state", forgotten.isPresent() ? "locked" : "stopped",
                            "forgotten", forgotten.orElse(0)),
                    forgotten.map(n -> "session locked: forgot " + keys(n)).orElse("no session daemon is running"));
        }
    }

    @Command(name = "stop", description = {"Make the daemon forget every vault key and exit.",
            "A daemon that does not answer (another kimen version's) is ended by removing its socket."},
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} session stop"})
    static final class StopCmd extends BaseCommand {
        StopCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            SessionClient session = ctx.session();
            Optional<Integer> forgotten;
            try {
                forgotten = session.stop();
            } catch (KimenException e) {
                if (e.reason() != Reason.SESSION_FAILED) {
                    throw e;
                }
                session.abandonSocket();
                ctx.warn(e.getMessage() + "; removed its socket, which makes it exit and forget everything");
                return ok("session_stop", Json.object("state", "stopped", "was_running", true, "forgotten", null),
                        "session daemon stopped (by removing its socket)");
            }
            return ok("session_stop", Json.object("state", "stopped", "was_running", forgotten.isPresent(),
                            "forgotten", forgotten.orElse(0)),
                    forgotten.map(n -> "session daemon stopped: forgot " + keys(n)).orElse("no session daemon was running"));
        }
    }

    private static String keys(int n) {
        return n + (n == 1 ? " vault key" : " vault keys");
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
