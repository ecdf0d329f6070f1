package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The models the build wrote ({@link CommandModels}) are the ones picocli reads from the
 * annotations: same attributes, same help, and parsing a command line sets the same fields.
 */
class CommandModelsTest {
    static Stream<Class<?>> topLevel() {
        return CommandModelWriter.topLevel().stream();
    }

    private static Cli.Factory factory(boolean written) {
        var nothing = new PrintStream(OutputStream.nullOutputStream());
        return new Cli.Factory(new Context(InputStream.nullInputStream(), nothing, nothing, Map.of(), null, Path.of("/")), written);
    }

    private static CommandLine reflected(Class<?> command) {
        return model(command, factory(false), true);
    }

    private static CommandLine written(Class<?> command) {
        return model(command, factory(true), false);
    }

    private static CommandLine model(Class<?> command, Cli.Factory f, boolean byReflection) {
        if (byReflection) {
            return new CommandLine(command, f);
        }
        CommandSpec spec = CommandModels.generated(command, f);
        assertNotNull(spec, "the build wrote no model of " + command.getName() + " (see GeneratedCommandModels' header)");
        return new CommandLine(spec, f);
    }

    @ParameterizedTest
    @MethodSource("topLevel")
    void theWrittenModelIsPicoclisOwn(Class<?> command) {
        assertEquals(describe(reflected(command)), describe(written(command)));
    }

    @ParameterizedTest
    @MethodSource("topLevel")
    void parsingSetsTheSameFields(Class<?> command) {
        var reflected = leaves(reflected(command));
        var written = leaves(written(command));
        assertEquals(reflected.keySet(), written.keySet());
        int[] accepted = {0};
        reflected.forEach((path, r) -> {
            CommandLine w = written.get(path);
            for (int i = 0; i < r.getCommandSpec().args().size(); i++) {
                var line = new ArrayList<>(path);
                line.addAll(commandLine(r.getCommandSpec(), i));
                var values = parsed(command, path, line, true);
                assertEquals(values, parsed(command, path, line, false), String.join(" ", line));
                accepted[0] += values.getFirst().startsWith("refused: ") ? 0 : 1;
            }
            assertEquals(r.getCommandSpec().args().size(), w.getCommandSpec().args().size(), path.toString());
        });
        assertTrue(accepted[0] > 0, "no command line was accepted");
    }

    /** A mixin shared by the factory keeps what the parent command's part of the line set in it. */
    @Test
    void anOptionBeforeTheSubcommandHoldsInIt() {
        for (boolean byReflection : new boolean[] {true, false}) {
            var f = factory(!byReflection); // one factory: one JsonFlag for the root and the subcommand
            CommandLine root = model(KimenCommand.class, f, byReflection);
            root.addSubcommand("vault", model(VaultCommands.class, f, byReflection));
            var parsed = root.parseArgs("--json", "vault", "path");
            BaseCommand path = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
            assertTrue(path.json(), byReflection ? "by reflection" : "written");
        }
    }

    @Test
    void onlyArgGroupsAreLeftToReflection() {
        String source = CommandModelWriter.write();
        var left = source.lines().filter(l -> l.startsWith("// read by reflection: ")).toList();
        assertEquals(List.of("// read by reflection: dev.kimen.cli.ConfigCommands$UnlockSet: @ArgGroup method"), left);
    }

    @Test
    void theWriterCopesWithWhatCommandsSay() {
        assertEquals("\"a\\\"b\\\\c\\u000a\\u00e9\"", CommandModelWriter.literal("a\"b\\c\né"));
        assertEquals("new CommandLine.Range(0, 1, false, false, \"0..1\")", CommandModelWriter.literal(CommandLine.Range.valueOf("0..1")));
        assertTrue(CommandModelWriter.literal(CommandLine.Help.Visibility.ALWAYS).endsWith("Help.Visibility.ALWAYS"));
    }

    /** The values of the args of the command at {@code path} (words below {@code command}) after parsing {@code line}. */
    private static List<String> parsed(Class<?> command, List<String> path, List<String> line, boolean byReflection) {
        CommandLine cl = byReflection ? reflected(command) : written(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(line.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return List.of("refused: " + e.getMessage()); // both must refuse alike (a required group left out)
        }
        for (String word : path) {
            cl = cl.getSubcommands().get(word);
        }
        return values(cl);
    }

    private static Map<List<String>, CommandLine> leaves(CommandLine top) {
        var found = new LinkedHashMap<List<String>, CommandLine>();
        collect(top, List.of(), found);
        return found;
    }

    private static void collect(CommandLine cl, List<String> path, Map<List<String>, CommandLine> found) {
        found.put(path, cl);
        var seen = new IdentityHashMap<CommandLine, Boolean>();
        cl.getSubcommands().forEach((name, sub) -> {
            if (seen.put(sub, true) == null) {
                var longer = new ArrayList<>(path);
                longer.add(name);
                collect(sub, List.copyOf(longer), found);
            }
        });
    }

    /**
     * A command line that gives arg {@code which} a value of its own, and every other required
     * arg one too (values differ per arg, so a binding to the wrong field shows).
     */
    private static List<String> commandLine(CommandSpec spec, int which) {
        var line = new ArrayList<String>();
        var args = spec.args();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof OptionSpec o && (i == which || o.required() && o.group() == null) && !o.usageHelp() && !o.versionHelp()) {
                line.add(o.longestName());
                if (o.arity().min() > 0) {
                    line.add(sample(o, i));
                }
                if (o.isMultiValue()) {
                    line.addAll(List.of(o.longestName(), sample(o, i + 1)));
                }
            }
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof PositionalParamSpec p && (i == which || p.required() || p.arity().min() > 0)) {
                line.add(sample(p, i));
            }
        }
        return line;
    }

    private static String sample(ArgSpec arg, int i) {
        if (arg.type().isEnum()) {
            Object[] constants = arg.type().getEnumConstants();
            return constants[i % constants.length].toString();
        }
        return arg.completionCandidates() != null && arg.completionCandidates().iterator().hasNext()
                ? arg.completionCandidates().iterator().next() : "v" + i + "=w" + i;
    }

    private static List<String> values(CommandLine cl) {
        return cl.getCommandSpec().args().stream().map(a -> a.toString() + "=" + String.valueOf((Object) a.getValue())).toList();
    }

    /** Everything of a model that its users see or that steers parsing, its subcommands' too. */
    private static String describe(CommandLine cl) {
        var out = new StringBuilder();
        describe(cl, out);
        return out.toString();
    }

    private static void describe(CommandLine cl, StringBuilder out) {
        CommandSpec spec = cl.getCommandSpec();
        out.append("command ").append(spec.qualifiedName()).append(" aliases=").append(Arrays.toString(spec.aliases()))
                .append(" version=").append(Arrays.toString(spec.version()))
                .append(" exit=").append(spec.exitCodeOnSuccess()).append('/').append(spec.exitCodeOnUsageHelp())
                .append('/').append(spec.exitCodeOnInvalidInput()).append('/').append(spec.exitCodeOnExecutionException())
                .append(" mixins=").append(spec.mixins().keySet()).append(' ').append(spec.mixins().values())
                .append(" user=").append(spec.userObject().getClass().getName()).append('\n');
        out.append(cl.getUsageMessage(CommandLine.Help.Ansi.OFF)).append('\n');
        for (ArgSpec a : spec.args()) {
            out.append("  ").append(a.isOption() ? Arrays.toString(((OptionSpec) a).names()) : "index " + ((PositionalParamSpec) a).index())
                    .append(" type=").append(a.type().getName()).append(Arrays.toString(a.auxiliaryTypes()))
                    .append(" multi=").append(a.isMultiValue()).append(" arity=").append(a.arity()).append('/').append(a.arity().isUnspecified())
                    .append(" label=").append(a.paramLabel()).append(" required=").append(a.required())
                    .append(" default=").append(a.defaultValue()).append(" initial=").append(String.valueOf((Object) a.initialValue())) // not hasInitialValue: see CommandModelWriter.arg
                    .append(" hidden=").append(a.hidden()).append(" show=").append(a.showDefaultValue())
                    .append(" split=").append(a.splitRegex()).append(" scope=").append(a.scopeType()).append(" inherited=").append(a.inherited())
                    .append(" interactive=").append(a.interactive()).append(" candidates=").append(list(a.completionCandidates()))
                    .append(" converters=").append(Arrays.stream(a.converters()).map(c -> c.getClass().getName()).toList())
                    .append(" description=").append(Arrays.toString(a.description())).append(" toString=").append(a);
            if (a instanceof OptionSpec o) {
                out.append(" negatable=").append(o.negatable()).append(" help=").append(o.usageHelp()).append(o.versionHelp()).append(o.help())
                        .append(" order=").append(o.order()).append(" fallback=").append(o.fallbackValue());
            }
            out.append('\n');
        }
        var seen = new IdentityHashMap<CommandLine, Boolean>();
        cl.getSubcommands().forEach((name, sub) -> {
            out.append("sub ").append(name).append('\n');
            if (seen.put(sub, true) == null) {
                describe(sub, out);
            }
        });
    }

    private static List<String> list(Iterable<String> candidates) {
        var all = new ArrayList<String>();
        if (candidates != null) {
            candidates.forEach(all::add);
        }
        return all;
    }
}
