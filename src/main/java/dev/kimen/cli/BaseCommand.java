package dev.kimen.cli;

import dev.kimen.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Every command: its context, {@code --json}, and the success output in both forms. */
public abstract class BaseCommand implements Callable<Integer> {
    protected final Context ctx;

    @Mixin
    JsonFlag jsonFlag;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    protected BaseCommand(Context ctx) {
        this.ctx = ctx;
    }

    protected boolean json() {
        return jsonFlag.json;
    }

    /**
     * Prints a success: under {@code --json} the object {@code ok, action, exit_code} plus
     * {@code fields}; otherwise {@code human} (nothing when it is null).
     */
    protected int ok(String action, Map<String, Object> fields, String human) {
        if (json()) {
            var payload = Json.object("ok", true, "action", action, "exit_code", 0);
            payload.putAll(fields);
            ctx.out().println(Json.write(payload));
        } else if (human != null) {
            // Paths and names in it may come from outside (a cloned repo, an upstream vault).
            ctx.out().println(dev.kimen.text.OneLine.keepingLines(human));
        }
        return 0;
    }
}
