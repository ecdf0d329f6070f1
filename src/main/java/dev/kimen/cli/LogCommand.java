package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.audit.AccessLog;
import dev.kimen.json.Json;
import dev.kimen.session.Ttl;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kimen log}: the local access log. */
@Command(name = "log", description = {"Show the local access log: when which command, run where, read which secrets"
        + " (names, never values), and each request a run's credential broker let through or refused.",
    "kimen writes it only when your own config says so (kimen config access-log on), to $XDG_DATA_HOME/kimen/access.log"
        + " (0600): a project's files can neither turn it off nor send it elsewhere."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen config access-log on", "  kimen log --since 1h", "  kimen log --since 7d --json"})
public final class LogCommand extends BaseCommand {
    @Option(names = "--since", paramLabel = "<age>", description = "Only entries this recent: 30s, 15m, 8h, 7d."
            + " Default: all.")
    String since;

    public LogCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Instant from = Instant.EPOCH;
        if (since != null) {
            try {
                from = Instant.now().minus(Ttl.parse(since));
            } catch (KimenException e) {
                throw KimenException.of(Reason.USAGE, "--since takes 30s, 15m, 8h, 7d or plain seconds", "kimen log --since 1h");
            }
        }
        if (!ctx.config().accessLog()) {
            ctx.warn("the access log is off, so nothing new is written to it; turn it on with: kimen config access-log on");
        }
        List<AccessLog.Line> entries = AccessLog.read(AccessLog.file(ctx.dirs().kimenDataDir()), from);
        if (json()) {
            return ok("log", Json.object("entries", entries.stream().map(AccessLog.Line::json).toList()), null);
        }
        for (AccessLog.Line e : entries) {
            ctx.out().println(dev.kimen.text.OneLine.of(e.human())); // paths and hosts came from outside
        }
        return 0;
    }
}
