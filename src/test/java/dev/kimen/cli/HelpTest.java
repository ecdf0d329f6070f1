package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command's --help teaches: each option is described and there is a runnable example. */
class HelpTest {
    @Test
    void everyCommandHasExamplesAndDescribedOptions(@TempDir java.nio.file.Path home) {
        var cli = new CliRun(home);
        List<CommandLine> all = new ArrayList<>();
        collect(Cli.commandLine(new Context(java.io.InputStream.nullInputStream(), System.out, System.err,
                java.util.Map.of(), dev.kimen.term.Terminal.none(), home)), all);
        assertTrue(all.size() >= 20, "found " + all.size() + " commands");
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName();
            var picocliWarnings = new java.io.ByteArrayOutputStream();
            var realErr = System.err;
            System.setErr(new java.io.PrintStream(picocliWarnings, true)); // picocli warns on System.err
            CliRun.Result r;
            try {
                r = cli.run(append(name.split(" "), "--help"));
            } finally {
                System.setErr(realErr);
            }
            assertTrue(r.code() == 0, name);
            String help = r.out();
            assertEquals("", picocliWarnings.toString(), name);
            assertTrue(help.contains("Examples:\n  kimen "), name + " has no example:\n" + help);
            assertFalse(c.getCommandSpec().usageMessage().description().length == 0, name + " has no description");
            c.getCommandSpec().options().forEach(o ->
                    assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), name + " " + o.longestName()));
        }
    }

    /**
     * Issue 24: a command list shows each command's first description line, and root --help cut
     * summaries mid-sentence ("render … files 0600),"); long examples wrapped to a line with no
     * indent. Every listed summary is a whole sentence of at most three lines, and every line
     * under Examples is indented, in kimen's help and in mima's.
     */
    @Test
    void summariesAreWholeSentencesAndExamplesStayIndented(@TempDir java.nio.file.Path home) {
        var ctx = new Context(java.io.InputStream.nullInputStream(), System.out, System.err, java.util.Map.of(),
                dev.kimen.term.Terminal.none(), home);
        var problems = new ArrayList<String>();
        for (Class<?> root : List.of(KimenCommand.class, MimaCommand.class)) {
            List<CommandLine> all = new ArrayList<>();
            collect(Cli.commandLine(ctx, root, null), all);
            for (CommandLine c : all) {
                String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                String name = c.getCommandSpec().qualifiedName();
                summaries(help).forEach((command, summary) -> {
                    if (!summary.text().endsWith(".") || summary.lines() > 3) {
                        problems.add(name + " lists " + command + " as: " + summary.text());
                    }
                });
                int examples = help.indexOf("\nExamples:\n");
                String previous = "";
                for (String line : examples < 0 ? List.<String>of() : help.substring(examples + 11).lines().toList()) {
                    boolean wrapped = !line.isEmpty() && !line.startsWith(" ") && previous.startsWith("  ")
                            || previous.endsWith(" \\") && !line.startsWith("      ");
                    if (wrapped || line.length() > 80) {
                        problems.add(name + ": an example wrapped badly: '" + previous + "' / '" + line + "'");
                    }
                    previous = line;
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    private record Summary(String text, int lines) {}

    /** The Commands: section of a help text: each command and its summary, its lines joined. */
    private static java.util.Map<String, Summary> summaries(String help) {
        var out = new java.util.LinkedHashMap<String, Summary>();
        int at = help.indexOf("\nCommands:\n");
        if (at < 0) {
            return out;
        }
        String command = null;
        var text = new StringBuilder();
        int lines = 0;
        for (String line : help.substring(at + 11).split("\n")) {
            if (line.matches("  \\S.*")) {
                if (command != null) {
                    out.put(command, new Summary(text.toString().strip(), lines));
                }
                String[] parts = line.strip().split("\\s+", 2);
                command = parts[0];
                text.setLength(0);
                text.append(parts.length > 1 ? parts[1] : "");
                lines = 1;
            } else if (line.startsWith("    ") && command != null) {
                text.append(' ').append(line.strip());
                lines++;
            } else {
                break;
            }
        }
        if (command != null) {
            out.put(command, new Summary(text.toString().strip(), lines));
        }
        return out;
    }

    private static void collect(CommandLine c, List<CommandLine> out) {
        out.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, out));
    }

    private static String[] append(String[] qualified, String last) {
        var args = new ArrayList<>(List.of(qualified).subList(1, qualified.length));
        args.add(last);
        return args.toArray(String[]::new);
    }
}
