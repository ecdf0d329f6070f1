package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.broker.BrokerProxy;
import dev.kimen.broker.BrokerRun;
import dev.kimen.process.ChildEnv;
import dev.kimen.projection.Projection;
import dev.kimen.projection.Plan;
import dev.kimen.projection.run.FilesDir;
import dev.kimen.projection.run.Masker;
import dev.kimen.projection.run.Projector;
import dev.kimen.projection.run.Runner;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every command that starts a child shares ({@code run}, {@code project run}): the files
 * dir, the command itself, and the run. Only where the plan comes from differs between them.
 */
public final class RunOptions {
    @Option(names = "--files-dir", paramLabel = "<dir>",
            description = "Write file projections here instead of a fresh private temp dir; the command gets $KIMEN_FILES_DIR either way.")
    String filesDir;

    @Option(names = "--scrub", description = "Give the command only the projected variables plus a safelist of kimen's"
            + " own (PATH HOME TERM USER SHELL LANG TMPDIR; config: \"scrub\": {\"safelist\": [...]}), nothing else.")
    boolean scrub;

    @Option(names = "--mask", negatable = true, description = "Pass the command's stdout and stderr through kimen,"
            + " every projected value (as is, base64, URL-encoded) replaced by <kimen:NAME>. Values under 6 bytes are"
            + " not masked; the command sees pipes, not a terminal. Default: \"run\": {\"mask\": true} in the config,"
            + " else off.")
    Boolean mask;

    @Option(names = "--exec", description = "Replace kimen with the command (same PID: supervisors and docker stop"
            + " signal the app itself, and the exit status is the app's own). Only when nothing needs cleaning up"
            + " afterwards: no file or envpath projection, no stdin projection, no --files-dir.")
    boolean exec;

    @Option(names = "--broker", negatable = true, description = "Broker the env lines written with broker=HOST"
            + " (default): the command gets a placeholder, and a proxy that lives as long as the run puts the value"
            + " into its requests to those hosts only. --no-broker projects them as plain variables.")
    Boolean broker;

    @Option(names = "--egress", paramLabel = "open|brokered", description = "With brokered values, where else the"
            + " command may connect through the proxy: open (default: other hosts tunnelled untouched) or brokered"
            + " (only the brokered hosts).")
    BrokerProxy.Egress egress;

    @Option(names = "--broker-ca", paramLabel = "<pem>", description = "Also trust the CAs in this PEM file for the"
            + " brokered hosts (a corporate TLS proxy's); the system's CAs are trusted either way.")
    String brokerCa;

    @Option(names = "--isolate-network", description = "Linux: start the command in a network namespace of its own"
            + " whose only way out is the broker's proxy, so a program that ignores the proxy variables reaches nothing."
            + " Needs brokered values and unprivileged user namespaces; refused (exit 26) where they are not to be had.")
    boolean isolateNetwork;

    @Parameters(paramLabel = "<command>", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    /** Projects {@code plan}, starts the command, returns its exit status, removes what was written. */
    int run(Context ctx, Plan plan, VaultOptions vault) {
        ProjectionOptions.resolvable(ctx, plan);
        boolean masking = mask != null ? mask : ctx.config().maskByDefault();
        if (exec && masking) {
            throw KimenException.of(Reason.USAGE, "--exec leaves no kimen behind to mask the output",
                    mask != null ? "drop --mask or --exec" : "drop --exec, or pass --no-mask (the config turns masking on)");
        }
        boolean brokering = (broker == null || broker) && Projector.brokers(plan);
        if (!brokering && (egress != null || brokerCa != null)) {
            ctx.warn((egress != null ? "--egress" : "--broker-ca") + " has no effect: " + (Projector.brokers(plan)
                    ? "--no-broker was given" : "nothing in this run is brokered (broker=HOST on an env line)"));
        }
        if (isolateNetwork && !brokering) {
            throw KimenException.of(Reason.USAGE, "--isolate-network leaves the command no way out but the broker's proxy,"
                    + " and nothing in this run is brokered", "write broker=HOST on the env lines the command needs");
        }
        if (exec) {
            refuseCleanupForExec(plan, brokering);
        }
        java.nio.file.Path isolation = isolateNetwork ? dev.kimen.broker.NetworkIsolation.require() : null;
        HandOff handOff = ctx.handOff();
        if (handOff != null) {
            handOff.require(plan, masking, filesDir, brokering);
        } else if (plan.effective().stream().noneMatch(p -> p.kind() == Projection.Kind.ENV && p.target().equals("PATH"))) {
            // a mistyped command fails before the vault asks for a passphrase that would be typed for nothing
            dev.kimen.projection.run.Runner.resolve(command.getFirst(), baseEnv(ctx).getOrDefault("PATH", ""), ctx.cwd());
        }
        try (var secrets = new VaultLookup(ctx, vault);
             var projected = Projector.project(plan, secrets, baseEnv(ctx),
                     () -> filesDir == null ? FilesDir.fresh(ctx.env()) : FilesDir.at(ctx.resolve(filesDir)),
                     filesDir != null, masking, brokering);
             var brokerRun = brokering ? BrokerRun.start(projected.brokered(), egress == null ? BrokerProxy.Egress.OPEN : egress,
                     brokerCa == null ? null : ctx.resolve(brokerCa), projected.files(), projected.env(), events(ctx)) : null) {
            secrets.close(); // values now live only in what the child gets
            if (handOff != null) {
                handOff.launch(command, projected.env(), ctx.cwd());
                return 0;
            }
            if (exec) {
                ctx.out().flush();
                ctx.err().flush();
                Runner.exec(command, projected.env(), ctx.cwd()); // returns only by throwing
            }
            List<String> started = isolation == null ? command : dev.kimen.broker.NetworkIsolation.wrap(isolation,
                    brokerRun.port(), command, projected.env().getOrDefault("PATH", ""), ctx.cwd());
            return Runner.run(started, projected.env(), projected.stdin(), ctx.cwd(),
                    masking ? Masker.of(projected.values()) : null);
        }
    }

    /** What the broker's proxy reports: warnings on stderr, and each brokered request in the access log. */
    private static BrokerProxy.Events events(Context ctx) {
        return new BrokerProxy.Events() {
            @Override
            public void request(String secret, String host, String method, String path, String decision) {
                ctx.recordBrokered(secret, host, method, path, decision);
            }

            @Override
            public void warn(String message) {
                ctx.warn(message);
            }
        };
    }

    /** --exec leaves no kimen behind to remove files or feed stdin: such a plan must run the usual way. */
    private void refuseCleanupForExec(Plan plan, boolean brokering) {
        if (brokering) {
            throw KimenException.of(Reason.USAGE, "--exec replaces kimen with the command, so no broker would be left for"
                    + " its brokered values", "drop --exec, or pass --no-broker to project them as plain variables");
        }
        var kinds = plan.effective().stream().map(Projection::kind)
                .filter(k -> k != Projection.Kind.ENV).map(Projection.Kind::word).distinct().toList();
        if (!kinds.isEmpty() || filesDir != null) {
            throw KimenException.of(Reason.USAGE, "--exec replaces kimen with the command, so nothing would be left to "
                    + (filesDir != null ? "clean up --files-dir" : "remove the files or feed stdin (" + String.join(", ", kinds)
                    + " projections)"), "drop --exec: the usual run forwards signals and passes the exit status through");
        }
    }

    /** What the command starts from before projection: kimen's environment, or only its safelisted part. */
    private Map<String, String> baseEnv(Context ctx) {
        Map<String, String> env = ChildEnv.of(ctx.env());
        if (scrub) {
            env.keySet().retainAll(ctx.config().scrubSafelist());
        }
        return env;
    }
}
