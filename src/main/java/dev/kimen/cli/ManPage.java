package dev.kimen.cli;

import dev.kimen.Reason;
import dev.kimen.term.Terminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes {@code kimen.1} and {@code mima.1} (roff, {@code man} macros) from the same picocli model
 * that prints {@code --help}, so the pages cannot drift from it. Run at install time:
 * {@code java -cp kimen.jar dev.kimen.cli.ManPage <dir>}.
 */
public final class ManPage {
    private ManPage() {}

    /** A variable kimen reads (or, for KIMEN_FILES_DIR, sets); shown when the program has {@code command}. */
    private record Variable(String name, String command, String text) {}

    private static final List<Variable> ENVIRONMENT = List.of(
            new Variable("KIMEN_VAULT", null, "The vault file, unless --vault names one; it wins over the configured path."),
            new Variable("KIMEN_PASSPHRASE", null, "The vault's passphrase: the first source of the unlock chain. It is never"
                    + " passed on to the command kimen runs or to an exec: source."),
            new Variable("KIMEN_NEW_PASSPHRASE", "vault", "The new passphrase for vault rekey (--new-passphrase-env names"
                    + " another variable)."),
            new Variable("KIMEN_PROFILE_DIR", null, "Searched first for <name>.kmap profiles."),
            new Variable("KIMEN_SESSION_DIR", null, "The directory of the session daemon's socket."),
            new Variable("KIMEN_FILES_DIR", null, "Set, not read: the command that run starts finds its file projections there."),
            new Variable("KIMEN_DEBUG", null, "Set to anything: failures print their stack trace."),
            new Variable("KIMEN_AOT", null, "off: the launcher starts Java without its ahead-of-time cache."),
            new Variable("KIMEN_FASTRUN", null, "off: run starts Java even with a session, instead of having the session"
                    + " daemon plan it for the native client, which starts the command with no JVM."));

    /** Where things live; shown when the program has {@code command}. */
    private static final List<Variable> FILES = List.of(
            new Variable("$XDG_CONFIG_HOME/kimen/vault.kv", null, "The default vault (~/.config/kimen/vault.kv);"
                    + " <vault>.lock beside it serialises writers."),
            new Variable("$XDG_CONFIG_HOME/kimen/config.json", "config", "The config: vault path, unlock method, remotes."),
            new Variable("./.kimen/profiles/, $XDG_CONFIG_HOME/kimen/profiles/", "run", "Profiles (<name>.kmap), after"
                    + " $KIMEN_PROFILE_DIR."),
            new Variable("~/.mima.yaml", "group", "Groups: named sets of environment variables linked to secrets."),
            new Variable(".mima.yaml", "hook", "A project's config, loaded by the shell hook once allow recorded it."),
            new Variable("$XDG_DATA_HOME/kimen/trust/", "allow", "The project configs allow recorded (by content hash)."),
            new Variable("$XDG_DATA_HOME/kimen/access.log", "log", "The access log (JSON Lines, 0600), written when"
                    + " kimen config access-log is on."),
            new Variable("$XDG_DATA_HOME/kimen/sync/", "sync", "Sync baselines (encrypted) and backups, per vault and remote."),
            new Variable("$KIMEN_SESSION_DIR, $XDG_RUNTIME_DIR/kimen or $XDG_CACHE_HOME/kimen", null,
                    "The session daemon's socket session.sock (directory 0700, socket 0600)."));

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp kimen.jar dev.kimen.cli.ManPage <output dir>");
            System.exit(2);
        }
        try {
            write(Path.of(args[0]));
        } catch (IOException | RuntimeException e) {
            System.err.println("ManPage: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Writes {@code kimen.1} and {@code mima.1} into {@code dir} (created if missing), mode 0644. */
    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String program : List.of("kimen", "mima")) {
            Path page = dir.resolve(program + ".1");
            Files.writeString(page, render(program, root(program)));
            Files.setPosixFilePermissions(page, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** The whole command tree of {@code program}, as {@code completion} gets it. */
    static CommandSpec root(String program) {
        var none = new PrintStream(OutputStream.nullOutputStream());
        var ctx = new Context(InputStream.nullInputStream(), none, none, System.getenv(), Terminal.none(),
                Path.of("").toAbsolutePath());
        return Cli.commandLine(ctx, program.equals("mima") ? MimaCommand.class : KimenCommand.class, null).getCommandSpec();
    }

    static String render(String program, CommandSpec root) {
        var page = new StringBuilder();
        String other = program.equals("mima") ? "kimen" : "mima";
        line(page, ".TH " + program.toUpperCase(java.util.Locale.ROOT) + " 1 \"\" \"" + esc(program + " " + Version.value())
                + "\" \"User Commands\"");
        // no hyphenation inside option and reason names (HY: what .YS restores), ragged right around long ones
        line(page, ".nr HY 0\n.nh\n.ad l");
        line(page, ".SH NAME");
        List<String> description = text(root.usageMessage().description());
        String summary = description.stream().filter(l -> !l.isEmpty()).findFirst().orElse("");
        line(page, esc(program + " - " + summary.replaceFirst("\\.$", "")));
        line(page, ".SH SYNOPSIS");
        synopsis(page, root);
        line(page, ".SH DESCRIPTION");
        paragraphs(page, description);
        line(page, ".SH OPTIONS");
        options(page, root, null);
        line(page, ".PP");
        line(page, esc("A command's synopsis lists every option it takes; those above are not described again under it."));
        line(page, ".SH COMMANDS");
        commands(page, root);
        examples(page, root, true);
        exitStatus(page);
        line(page, ".SH ENVIRONMENT");
        table(page, root, ENVIRONMENT, true);
        line(page, ".SH FILES");
        table(page, root, FILES, false);
        line(page, ".SH SEE ALSO");
        line(page, "\\fB" + other + "\\fR(1), \\fBage\\fR(1), \\fBgit\\fR(1)");
        return page.toString();
    }

    private static void commands(StringBuilder page, CommandSpec parent) {
        var seen = new IdentityHashMap<CommandLine, Boolean>(); // an alias maps to the same command twice
        for (CommandLine sub : parent.subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (seen.put(sub, true) != null || spec.usageMessage().hidden()) {
                continue;
            }
            line(page, ".SS " + esc(spec.qualifiedName()));
            synopsis(page, spec);
            paragraphs(page, text(spec.usageMessage().description()));
            options(page, spec, top(spec));
            examples(page, spec, false);
            commands(page, spec);
        }
    }

    /** picocli's synopsis, one {@code .SY} block per usage line (roff wraps it with a hanging indent). */
    private static void synopsis(StringBuilder page, CommandSpec spec) {
        spec.usageMessage().width(1000); // one line per usage line: roff does the wrapping
        String name = spec.qualifiedName();
        boolean open = false;
        for (String synopsis : new Help(spec, Help.defaultColorScheme(Ansi.OFF)).synopsis(0).split("\\R")) {
            if (synopsis.startsWith(name + " ") || synopsis.equals(name)) {
                line(page, (open ? ".YS\n" : "") + ".SY \"" + esc(name) + "\"");
                synopsis = synopsis.substring(name.length());
                open = true;
            }
            if (!synopsis.isBlank()) {
                line(page, esc(synopsis.strip()));
            }
        }
        if (open) {
            line(page, ".YS");
        }
    }

    private static CommandSpec top(CommandSpec spec) {
        return spec.parent() == null ? spec : top(spec.parent());
    }

    /**
     * Options and positional parameters, as {@code --help} lists them; hidden ones stay hidden, and
     * so do those of {@code root} (described once, under OPTIONS).
     */
    private static void options(StringBuilder page, CommandSpec spec, CommandSpec root) {
        Help help = new Help(spec, Help.defaultColorScheme(Ansi.OFF));
        List<OptionSpec> sorted = new ArrayList<>(spec.options());
        if (spec.usageMessage().sortOptions()) {
            sorted.sort(Help.createShortOptionNameComparator());
        }
        List<ArgSpec> args = new ArrayList<>(spec.positionalParameters());
        args.addAll(sorted);
        for (ArgSpec arg : args) {
            if (arg.hidden() || arg instanceof OptionSpec o && root != null && root.findOption(o.longestName()) != null) {
                continue;
            }
            String label = help.parameterLabelRenderer().renderParameterLabel(arg, Ansi.OFF, List.of()).toString();
            String names = arg instanceof OptionSpec o ? String.join(", ", o.names()) : "";
            line(page, ".TP");
            line(page, (names.isEmpty() ? "" : "\\fB" + esc(names) + "\\fR") + (label.isEmpty() ? "" : "\\fI" + esc(label) + "\\fR"));
            // unlike the command's texts, ArgSpec.description() comes formatted already (%n, ${DEFAULT-VALUE})
            plain(arg.description()).stream().filter(d -> !d.isEmpty()).forEach(d -> line(page, esc(d)));
        }
    }

    /** The footer (an EXAMPLES section of its own for the root): indented lines verbatim, others as text. */
    private static void examples(StringBuilder page, CommandSpec spec, boolean section) {
        List<String> footer = text(spec.usageMessage().footer()).stream().filter(l -> !l.isEmpty()).toList();
        if (footer.isEmpty()) {
            return;
        }
        String title = String.join(" ", text(new String[] {spec.usageMessage().footerHeading()})).strip();
        line(page, section ? ".SH EXAMPLES" : ".PP\n\\fI" + esc(title) + "\\fR");
        boolean verbatim = false;
        for (String l : footer) {
            boolean example = l.startsWith(" ");
            if (example != verbatim) {
                line(page, example ? ".PP\n.nf" : ".fi\n.PP");
                verbatim = example;
            } else if (!example) {
                line(page, ".PP");
            }
            line(page, esc(l));
        }
        if (verbatim) {
            line(page, ".fi");
        }
    }

    private static void exitStatus(StringBuilder page) {
        line(page, ".SH EXIT STATUS");
        line(page, ".TP\n\\fB0\\fR\nsuccess");
        Map<Integer, List<Reason>> byCode = new TreeMap<>();
        for (Reason r : Reason.values()) {
            byCode.computeIfAbsent(r.exitCode(), c -> new ArrayList<>()).add(r);
        }
        byCode.forEach((code, reasons) -> {
            line(page, ".TP\n\\fB" + code + "\\fR");
            line(page, esc(reasons.getFirst().meaning() + " (reason " + reasons.stream().map(Reason::code)
                    .collect(Collectors.joining(", ")) + ")"));
        });
        line(page, ".PP");
        line(page, esc("Once the command given to run has started, its own exit status is passed on"
                + " (128+n when a signal n killed it). With --json, a failure's reason is in the error envelope on stderr."));
    }

    private static void table(StringBuilder page, CommandSpec root, List<Variable> rows, boolean bold) {
        for (Variable row : rows) {
            if (row.command() == null || root.subcommands().containsKey(row.command())) {
                line(page, ".TP\n" + (bold ? "\\fB" : "\\fI") + esc(row.name()) + "\\fR\n" + esc(row.text()));
            }
        }
    }

    /** Lines fill one paragraph, as roff fills them; a blank line (an empty element, {@code %n%n}) starts the next. */
    private static void paragraphs(StringBuilder page, List<String> lines) {
        boolean open = false;
        for (String l : lines) {
            if (!l.isEmpty()) {
                line(page, (open ? "" : ".PP\n") + esc(l));
            }
            open = !l.isEmpty();
        }
    }

    /**
     * Lines of a usage-message text: picocli interpolates {@code ${…}} variables when the model returns
     * them but applies {@code String.format} ({@code %n}, {@code %%}) only when printing them, so do
     * that here too; then strip {@code @|…|@} markup. Blank lines stay, empty.
     */
    static List<String> text(String[] values) {
        String[] formatted = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                formatted[i] = String.format(values[i]);
            } catch (IllegalFormatException e) {
                formatted[i] = values[i]; // as picocli prints it
            }
        }
        return plain(formatted);
    }

    /** Lines without {@code @|…|@} markup. */
    private static List<String> plain(String[] values) {
        var lines = new ArrayList<String>();
        for (String value : values) {
            for (String l : Ansi.OFF.string(value).split("\\R", -1)) {
                lines.add(l.stripTrailing());
            }
        }
        return lines;
    }

    /**
     * Text for a roff text line: backslashes as {@code \e}, hyphens as {@code \-} (so options copy
     * and paste), quotes that roff would curl as {@code \(aq}/{@code \(ga}, anything outside ASCII
     * as {@code \[uXXXX]} (the page is ASCII whatever the formatter's input encoding), and a leading
     * {@code .} kept from being read as a request.
     */
    static String esc(String s) {
        var out = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\e");
                case '-' -> out.append("\\-");
                case '\'' -> out.append("\\(aq");
                case '`' -> out.append("\\(ga");
                default -> {
                    if (c < 0x80) {
                        out.append((char) c);
                    } else {
                        out.append(String.format("\\[u%04X]", c));
                    }
                }
            }
        });
        return out.length() > 0 && out.charAt(0) == '.' ? "\\&" + out : out.toString();
    }

    private static void line(StringBuilder page, String line) {
        page.append(line).append('\n');
    }
}
