package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kimen.Reason;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages: formatted by the real groff without a warning, and complete against the command model. */
class ManPageTest {
    @TempDir Path dir;

    private record Formatted(String roff, String text) {}

    @Test
    void kimenPageListsEveryCommandAndExitCode() throws Exception {
        Formatted page = format("kimen");
        List<String> paths = commandPaths(ManPage.root("kimen"));
        // the derivation itself must see the commands everyone knows
        assertTrue(paths.containsAll(List.of("kimen secret get", "kimen secret set", "kimen run", "kimen session start",
                "kimen vault init", "kimen bundle seal", "kimen sync")), paths.toString());
        assertHeadings(page.text(), paths);

        String exit = section(page.text(), "EXIT STATUS", "ENVIRONMENT");
        for (Reason r : Reason.values()) {
            assertTrue(Pattern.compile("(?m)^\\s+" + r.exitCode() + "\\s").matcher(exit).find(), "exit code " + r.exitCode());
            assertTrue(exit.contains(r.code()), r.code());
        }
        assertTrue(page.text().contains("kimen secret set prod.database_url"), "an example from a footer");
    }

    @Test
    void mimaPageListsEveryCommand() throws Exception {
        Formatted page = format("mima");
        List<String> paths = commandPaths(ManPage.root("mima"));
        assertTrue(paths.containsAll(List.of("mima secret add", "mima secret get", "mima group link", "mima run")),
                paths.toString());
        assertHeadings(page.text(), paths);
        assertTrue(page.text().contains("SEE ALSO") && page.text().contains("kimen(1)"));
        assertTrue(paths.containsAll(List.of("mima session start", "mima config store")), paths.toString());
        String flat = page.text().replaceAll("\\s+", " ");
        assertFalse(flat.matches(".*\\bkimen (group|run|env|hook|allow|deny|session|completion|secret) .*"),
                "mima(1) names mima's commands, not kimen's");
        assertTrue(flat.contains("mima group link agent-claude"), "its examples are mima's");
        assertFalse(page.text().contains("ROOT-COMMAND"));
    }

    @Test
    void noRawPicocliMarkupOrHiddenOptionReachesAPage() throws Exception {
        for (String program : List.of("kimen", "mima")) {
            Formatted page = format(program);
            for (String raw : List.of("%n", "%%", "${", "@|", "|@")) {
                assertFalse(page.roff().contains(raw), program + ".1 has " + raw);
                assertFalse(page.text().contains(raw), program + " formatted has " + raw);
            }
            Set<String> visible = new TreeSet<>();
            Set<String> hidden = new TreeSet<>();
            options(ManPage.root(program), visible, hidden);
            hidden.removeAll(visible);
            assertFalse(hidden.isEmpty() && program.equals("kimen"), "kimen hook has hidden options");
            for (String name : hidden) {
                assertFalse(Pattern.compile(Pattern.quote(ManPage.esc(name)) + "(?![A-Za-z0-9_]|\\\\-)")
                        .matcher(page.roff()).find(), "hidden option " + name + " in " + program + ".1");
            }
        }
    }

    /** ENVIRONMENT names only variables the code reads, and every variable the code names. */
    @Test
    void environmentSectionMatchesTheSources() throws Exception {
        String roff = ManPage.render("kimen", ManPage.root("kimen"));
        String env = roff.substring(roff.indexOf(".SH ENVIRONMENT"), roff.indexOf(".SH FILES")).replace("\\-", "-");
        Set<String> documented = names(Pattern.compile("KIMEN_[A-Z_]+"), env);
        var sources = new StringBuilder();
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/java")), Files.walk(Path.of("bin")))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.endsWith("ManPage.java")).toList()) {
                sources.append(Files.readString(f, StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        for (String name : documented) {
            assertTrue(sources.toString().contains(name), name + " is documented but nothing reads it");
        }
        Set<String> constants = names(Pattern.compile("\"(KIMEN_[A-Z_]+)\""), sources.toString());
        assertTrue(constants.contains("KIMEN_VAULT"), constants.toString());
        assertTrue(documented.containsAll(constants), "undocumented: " + constants);
    }

    @Test
    void escapesRoff() {
        assertEquals("\\&.foo \\e \\-\\-x \\(aqa\\(aq \\(gab\\(ga \\[u2026]", ManPage.esc(".foo \\ --x 'a' `b` \u2026"));
        assertEquals("\\(aqquoted", ManPage.esc("'quoted"));
        assertEquals(List.of("a", "b bold 100%", ""), ManPage.text(new String[] {"a%nb @|bold bold|@ 100%%", ""}));
    }

    /** As the install Makefile runs it: files 0644; a bad command line: one line and exit 2. */
    @Test
    void mainWritesBothPages() throws Exception {
        Path out = dir.resolve("man1");
        Process ok = java(out.toString());
        assertEquals(0, ok.waitFor(), new String(ok.getErrorStream().readAllBytes()));
        for (String page : List.of("kimen.1", "mima.1")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(page))));
            assertTrue(Files.readString(out.resolve(page)).startsWith(".TH "));
        }
        Process bad = java();
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.waitFor());
        assertEquals(1, err.lines().count(), err);
    }

    private Process java(String... args) throws IOException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ManPage.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Renders the page and formats it with groff: no warning allowed (-ww), plain text back. */
    private Formatted format(String program) throws Exception {
        Path page = dir.resolve(program + ".1");
        Files.writeString(page, ManPage.render(program, ManPage.root(program)));
        String groff = groff();
        Process check = new ProcessBuilder(groff, "-man", "-Tutf8", "-ww", "-z", page.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String warnings = new String(check.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), warnings);
        assertEquals("", warnings, program + ".1");
        Process text = new ProcessBuilder(groff, "-man", "-Tutf8", "-P-cbou", page.toString()).start();
        String out = new String(text.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, text.waitFor());
        // groff outside Debian prints \- as U+2212
        return new Formatted(Files.readString(page), out.replace('\u2212', '-').replace('\u2010', '-'));
    }

    /** groff on PATH; without it the test is skipped, except under CI, which must have it (man-db, groff-base). */
    private static String groff() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "groff"))) {
                return Path.of(d, "groff").toString();
            }
        }
        if (System.getenv("CI") != null) {
            fail("groff is not installed (apt-get install groff-base)");
        }
        Assumptions.abort("groff is not installed");
        return null;
    }

    private static void assertHeadings(String text, List<String> paths) {
        Set<String> lines = new TreeSet<>(text.lines().map(String::strip).toList());
        for (String path : paths) {
            assertTrue(lines.contains(path), "no section for " + path);
        }
    }

    /** Every non-hidden command below the root, as "kimen secret set". */
    private static List<String> commandPaths(CommandSpec spec) {
        var paths = new ArrayList<String>();
        for (CommandLine sub : new java.util.LinkedHashSet<>(spec.subcommands().values())) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                paths.add(sub.getCommandSpec().qualifiedName());
                paths.addAll(commandPaths(sub.getCommandSpec()));
            }
        }
        return paths;
    }

    private static void options(CommandSpec spec, Set<String> visible, Set<String> hidden) {
        for (OptionSpec o : spec.options()) {
            (o.hidden() ? hidden : visible).addAll(List.of(o.names()));
        }
        spec.subcommands().values().forEach(sub -> options(sub.getCommandSpec(), visible, hidden));
    }

    private static String section(String text, String from, String to) {
        int start = text.indexOf("\n" + from + "\n");
        int end = text.indexOf("\n" + to + "\n", start);
        assertTrue(start >= 0 && end > start, from);
        return text.substring(start, end);
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return names;
    }
}
