package dev.kimen.cli;

import dev.kimen.config.UserDirs;
import dev.kimen.json.Json;
import dev.kimen.shell.Flake;
import dev.kimen.shell.HookLoader;
import dev.kimen.shell.RefusedVariables;
import dev.kimen.text.OneLine;
import dev.kimen.shell.LoadScript;
import dev.kimen.shell.Shell;
import dev.kimen.shell.Stamps;
import dev.kimen.shell.Trust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen hook bash|zsh|fish}: the shell hook, and (hidden) what it evaluates on a change. */
@Command(name = "hook", description = {"Print the shell hook: per-project groups and env from .mima.yaml, loaded as you cd.",
        "Before each prompt the hook finds the nearest .mima.yaml at or above the working directory. A project"
                + " loads only once you allowed it (${ROOT-COMMAND-NAME} allow); an edit blocks it until you allow it again.",
        "Each group becomes a shell function: `dev <command>` runs the command with dev's secrets, which never"
                + " enter the shell. The env: section (public values, dotenv files, path_add dirs, a flake's"
                + " variables with use_flake: true) is exported while you are in the project and put back when"
                + " you leave. auto_export: true exports the groups' secrets too (compat mode; every command then"
                + " inherits them).",
        "While nothing changed, a prompt costs a few shell builtins: no process starts."},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} hook bash   # in ~/.bashrc: eval \"$(${ROOT-COMMAND-NAME} hook bash)\"",
                "  ${ROOT-COMMAND-NAME} hook zsh    # in ~/.zshrc: eval \"$(${ROOT-COMMAND-NAME} hook zsh)\"",
                "  ${ROOT-COMMAND-NAME} hook fish   # in ~/.config/fish/config.fish: ${ROOT-COMMAND-NAME} hook fish | source"})
public final class HookCommand extends BaseCommand {
    @Parameters(paramLabel = "<shell>", description = "bash, zsh or fish.")
    String shellName;

    @Option(names = "--load", hidden = true, description = "The .mima.yaml the hook found (the hook's own call).")
    Path load;

    @Option(names = "--previous", hidden = true, description = "What the last load in this shell gave.")
    String previous = "";

    public HookCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Shell shell = Shell.named(shellName);
        String program = Cli.program();
        if (load == null) {
            String script = shell.hook(program, Cli.launcher());
            if (json()) {
                return ok("hook", Json.object("shell", shell.name().toLowerCase(java.util.Locale.ROOT), "script", script),
                        null);
            }
            ctx.out().print(script);
            ctx.out().flush();
            return 0;
        }
        UserDirs dirs = ctx.dirs();
        var loader = new HookLoader(program, Trust.of(dirs), new Stamps(dirs.kimenCacheDir().resolve("hook")),
                new Flake(dirs.kimenCacheDir().resolve("flake")),
                line -> ctx.err().println(program + ": " + OneLine.of(line))); // paths and names from a cloned repo
        try (var script = new LoadScript(shell)) {
            loader.load(ctx.resolve(load.toString()), previous, script, (project, group, out) -> {
                var names = new ArrayList<String>();
                // the hook's own call names no vault options: the usual vault and unlock chain
                // the loader read this project once and found it allowed: no second read of it per group
                var links = GroupsCommand.map(ctx, project, group, project.config().groups().get(group));
                EnvCommand.eachValue(ctx, new VaultOptions(), links, (name, value) -> {
                    if (out.set(name, value)) {
                        names.add(name);
                    } else {
                        ctx.err().println(program + ": " + OneLine.of("group " + group + ": " + name + " "
                                + RefusedVariables.why(name) + "; not exported"));
                    }
                });
                return names;
            });
            script.writeTo(ctx.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
