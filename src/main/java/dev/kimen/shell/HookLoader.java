package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.mima.ProjectConfig;
import dev.kimen.projection.run.Runner;
import dev.kimen.text.Utf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the hook does on a change: read the project config it found, check it against the trust
 * store, and write the {@link LoadScript} that loads it (or loads nothing and says why). What it
 * says goes to {@code say} only when the outcome differs from the last one the shell saw, so an
 * untrusted project prints one line when you enter it, not one per prompt.
 */
public final class HookLoader {
    /** Compat mode's secrets: writes {@code _kimen_set} lines for a group and returns their names. */
    public interface GroupExporter {
        List<String> export(ProjectFile project, String group, LoadScript script);
    }

    /**
     * Words a group may not take as a function's name: the builtins and keywords of bash, zsh and
     * fish (the hook itself calls some of them; shadowing one breaks the shell), and the tools.
     */
    public static final Set<String> RESERVED = Set.of(("abbr alias and argparse autoload begin bg bind bindkey block break"
            + " breakpoint builtin bye caller case cd chdir command commandline compadd comparguments compcall compctl"
            + " compdescribe compfiles compgen complete compopt compgroups compquote compset comptags comptry compvalues"
            + " contains continue coproc count declare dirs disable disown do done echo echotc echoti elif else emit"
            + " emulate enable end esac eval exec exit export false fc fg fi float for foreach function functions getln"
            + " getopts hash help history if in integer jobs kill let limit local log logout mapfile math nocorrect"
            + " noglob not or path popd print printf private pushd pushln pwd r random read readarray readonly realpath"
            + " rehash repeat return sched select set set_color setopt shift shopt source status string suspend switch"
            + " test then time times trap true ttyctl type typeset ulimit umask unalias unfunction unhash unlimit unset"
            + " unsetopt until vared wait whence where which while zcompile zformat zle zmodload zparseopts"
            + " zregexparse zstyle kimen mima").split(" "));

    private final String program;
    private final Trust trust;
    private final Stamps stamps;
    private final Flake flake;
    private final Consumer<String> say;

    public HookLoader(String program, Trust trust, Stamps stamps, Flake flake, Consumer<String> say) {
        this.program = program;
        this.trust = trust;
        this.stamps = stamps;
        this.flake = flake;
        this.say = say;
    }

    /**
     * Writes what loading {@code file} takes into {@code script}.
     *
     * @param previous the status of the last load in this shell for the same file ("" on entering)
     */
    public void load(Path file, String previous, LoadScript script, GroupExporter exporter) {
        var notes = new ArrayList<String>();
        var watches = new ArrayList<Watch>();
        watches.add(Watch.of(trust.dir())); // before the trust entry is read
        String status;
        try {
            ProjectFile project = ProjectFile.read(file);
            watches.addAll(project.watches());
            status = switch (trust.state(project)) {
                case NOT_ALLOWED -> {
                    notes.add(file + " is not allowed, so it was not loaded; review it, then run: " + program + " allow");
                    yield "not-allowed:" + project.real();
                }
                case CHANGED -> {
                    notes.add(file + " (or a file it names) changed since it was allowed, so it was not loaded;"
                            + " review it, then run: " + program + " allow");
                    yield "changed:" + project.digest();
                }
                case ALLOWED -> {
                    apply(project, script, exporter, notes);
                    yield "loaded:" + project.digest();
                }
            };
        } catch (KimenException e) {
            watches.add(Watch.of(file));
            notes.add(e.getMessage());
            status = "failed:" + e.getMessage();
        }
        for (Watch w : watches) {
            script.watch(w.path(), stamps.stamp(w));
        }
        script.status(status);
        if (!status.equals(previous)) {
            notes.forEach(note -> say.accept(note));
        }
    }

    /** The executable {@code name} on PATH, if there is one. */
    private static java.util.Optional<Path> onPath(String name) {
        try {
            return java.util.Optional.of(Runner.resolve(name, System.getenv().getOrDefault("PATH", ""), Path.of("/")));
        } catch (KimenException notThere) {
            return java.util.Optional.empty();
        }
    }

    private void apply(ProjectFile project, LoadScript script, GroupExporter exporter, List<String> notes) {
        ProjectConfig config = project.config();
        notes.addAll(project.skipped());
        var exported = new ArrayList<String>();
        var flakePath = new ArrayList<Path>();
        if (config.useFlake()) {
            try {
                Map<String, String> vars = flake.variables(config.dir(), project.flakeKey(), say);
                vars.forEach((name, value) -> {
                    if (name.equals("PATH")) {
                        Arrays.stream(value.split(":")).filter(d -> !d.isEmpty()).map(Path::of).forEach(flakePath::add);
                    } else if (script.set(name, value.getBytes(StandardCharsets.UTF_8))) {
                        exported.add(name);
                    }
                });
            } catch (KimenException e) {
                notes.add("use_flake: " + e.getMessage());
            }
        }
        project.dotenv().forEach((dotenvFile, bytes) -> {
            try {
                Dotenv.parse(Utf8.decode(bytes), dotenvFile.toString()).forEach((name, value) -> {
                    if (script.set(name, value.getBytes(StandardCharsets.UTF_8))) {
                        exported.add(name);
                    } else {
                        notes.add(dotenvFile + ": " + name + " " + RefusedVariables.why(name) + "; not set");
                    }
                });
            } catch (CharacterCodingException e) {
                notes.add(dotenvFile + " is not UTF-8 text; not loaded");
            } catch (KimenException e) {
                notes.add(e.getMessage() + "; " + dotenvFile + " not loaded");
            }
        });
        config.env().forEach((name, value) -> { // ProjectConfig refused the names a project may not set
            script.set(name, value.getBytes(StandardCharsets.UTF_8));
            exported.add(name);
        });
        var path = new ArrayList<Path>(); // the project's dirs first, then the flake's, then PATH as it was
        config.pathAdd().stream().map(d -> config.dir().resolve(d).normalize()).forEach(path::add);
        path.addAll(flakePath);
        script.pathAdd(path);
        var functions = new ArrayList<String>();
        for (String group : config.groups().keySet()) {
            if (RESERVED.contains(group)) {
                notes.add("group " + group + " is a builtin or keyword of the shell, so it is not made a function;"
                        + " use: " + program + " run " + group + " -- <command>");
                continue;
            }
            script.function(group, project.file());
            functions.add(group);
            onPath(group).ifPresent(command -> notes.add("group " + group + " hides the command " + command
                    + " while you are in the project: `" + group + " <args>` runs <args> with the group's secrets"));
        }
        if (config.autoExport()) {
            for (String group : config.groups().keySet()) {
                try {
                    List<String> names = exporter.export(project, group, script);
                    notes.add("auto_export: the secrets of group " + group + " (" + String.join(", ", names)
                            + ") are now in this shell's environment, and every command it starts inherits them");
                } catch (KimenException e) {
                    notes.add("auto_export: group " + group + " not exported: " + e.getMessage());
                }
            }
        }
        var summary = new StringBuilder("loaded ").append(project.file());
        if (!functions.isEmpty()) {
            summary.append("; run with a group: ").append(String.join(", ", functions)).append(" <command>");
        }
        if (!exported.isEmpty()) {
            summary.append("; exported ").append(String.join(", ", exported.stream().distinct().toList()));
        }
        if (!path.isEmpty()) {
            summary.append("; PATH +").append(path.size());
        }
        notes.addFirst(summary.toString());
    }
}
