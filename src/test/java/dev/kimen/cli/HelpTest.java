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
