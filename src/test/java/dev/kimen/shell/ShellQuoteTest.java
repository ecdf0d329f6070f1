package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quoting and the hook's helpers, proved by the real shells: each reads what kimen wrote from a
 * script file (never from argv) and prints it back, byte for byte.
 */
class ShellQuoteTest {
    @TempDir
    Path tmp;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] allBytes() {
        byte[] b = new byte[255];
        for (int i = 0; i < 255; i++) {
            b[i] = (byte) (i + 1);
        }
        return b;
    }

    /** Values that break naive quoting, one shell feature each. */
    static List<byte[]> values() {
        var v = new ArrayList<byte[]>();
        for (String s : List.of("'", "''", "\"", "\\", "\\\\", "$HOME", "${HOME}", "$(echo no)", "`echo no`", "a\nb",
                "\n", "trailing newline\n", "\ttab\t", "*", "?", "[ab]", "{a,b}", "~", "~/x", "#", "# not a comment",
                " spaces  inside ", "\u00fcn\u00ef\u00e7\u00f8d\u00e9 \ud83d\udd11", "", "trail\\", "\\'", "'\\''",
                "it's \"quoted\"", "a;b|c&d>e<f", "(sub)", "!!", "!$", "%s %d", "-n", "--", "-e", "=", "\r", "a\\nb",
                "\\x41", "$'\\n'", "; rm -rf /", "'; echo pwned; '")) {
            v.add(utf8(s));
        }
        v.add(allBytes());
        v.add(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0x80}); // not UTF-8
        return v;
    }

    static String name(Shell shell) {
        return shell.name().toLowerCase();
    }

    static boolean installed(String program) {
        return StampsTest.installed(program);
    }

    record Ran(int status, String output) {}

    /** Runs {@code script} (a file) in {@code shell} with a small, fixed environment. */
    Ran run(Shell shell, byte[] script) throws IOException, InterruptedException {
        assumeTrue(installed(name(shell)), name(shell) + " is not installed");
        Path file = tmp.resolve("script." + name(shell));
        Files.write(file, script);
        List<String> argv = switch (shell) {
            case BASH -> List.of("bash", "--norc", "--noprofile", file.toString());
            case ZSH -> List.of("zsh", "-f", file.toString());
            case FISH -> List.of("fish", "--no-config", file.toString());
        };
        var pb = new ProcessBuilder(argv).redirectErrorStream(true).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("XDG_CONFIG_HOME", tmp.resolve("home/.config").toString());
        env.put("XDG_DATA_HOME", tmp.resolve("home/.local/share").toString());
        env.put("LC_ALL", "C.UTF-8");
        env.put("TERM", "dumb");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), name(shell) + " did not finish");
        return new Ran(p.exitValue(), out);
    }

    String q(Shell shell, Path p) {
        return shell.quote(p.toString());
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void everyValueComesBackByteForByte(Shell shell) throws Exception {
        List<byte[]> values = values();
        Path out = Files.createDirectories(tmp.resolve("out"));
        var script = new ByteArrayOutputStream();
        for (int i = 0; i < values.size(); i++) {
            script.writeBytes(utf8("printf %s "));
            shell.quote(values.get(i), script);
            script.writeBytes(utf8(" > " + out.resolve(String.valueOf(i)) + "\n"));
        }
        Ran ran = run(shell, script.toByteArray());
        assertEquals(0, ran.status(), ran.output());
        assertEquals("", ran.output());
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(values.get(i), Files.readAllBytes(out.resolve(String.valueOf(i))),
                    name(shell) + ": value " + i + " " + new String(values.get(i), StandardCharsets.UTF_8));
        }
    }

    @Test
    void quotingIsOneSingleQuotedWord() {
        assertEquals("''", Shell.BASH.quote(""));
        assertEquals("'a b'", Shell.BASH.quote("a b"));
        assertEquals("'it'\\''s'", Shell.BASH.quote("it's"));
        assertEquals("'it'\\''s'", Shell.ZSH.quote("it's"));
        assertEquals("'back\\slash'", Shell.ZSH.quote("back\\slash"), "bash and zsh leave \\ alone");
        assertEquals("'it\\'s'", Shell.FISH.quote("it's"));
        assertEquals("'back\\\\slash'", Shell.FISH.quote("back\\slash"));
        assertEquals("'a\nb'", Shell.FISH.quote("a\nb"));
    }

    @Test
    void shellsAreNamedCaseInsensitively() {
        assertEquals(Shell.ZSH, Shell.named("zsh"));
        assertEquals(Shell.FISH, Shell.named("Fish"));
        var e = assertThrows(KimenException.class, () -> Shell.named("tcsh"));
        assertEquals(Reason.USAGE, e.reason());
    }

    // LoadScript, run by the hook's own helpers

    static final byte[] OLD = utf8("old 'exported'\n\"value\" \\ $HOME `x` \u00fcn\u00ef");
    static final byte[] SHELL_ONLY = utf8("shell only; $(not run)");
    static final byte[] NEW = utf8("new 'v'\n\"q\" \\ $PATH `id` * ~ # \u00fcn\u00ef\u00e7\u00f8d\u00e9\t");
    static final List<String> ADDED = List.of("/opt/a", "/opt/b c", "/opt/it's", "/opt/$HOME");

    /** The hook (calling back {@code launcher}) and a script that loads, dumps, runs a group, undoes, dumps. */
    private byte[] loadAndUndo(Shell shell, Path launcher, Path config, Path out) throws IOException {
        Path hook = Files.writeString(tmp.resolve("hook." + name(shell)), shell.hook("kimen", launcher.toString()));
        Path load = tmp.resolve("load." + name(shell));
        try (var s = new LoadScript(shell); OutputStream o = Files.newOutputStream(load)) {
            s.set("OLDX", NEW);
            s.set("NEWX", utf8("fresh"));
            s.set("SHELLX", utf8("now exported"));
            s.set("DUP", utf8("from .env"));
            s.set("DUP", utf8("from env:"));
            s.set("BYTES", utf8("replaced"));
            s.set("EMPTY", new byte[0]);
            s.pathAdd(ADDED.stream().map(Path::of).toList());
            s.pathAdd(List.of()); // nothing
            s.function("dev", config);
            s.watch(config, "/stamps/one");
            s.watch(tmp.resolve("missing .env"), "");
            s.status("loaded:" + "ab'c");
            s.writeTo(o);
        }
        var sc = new ByteArrayOutputStream();
        String setup = switch (shell) {
            case BASH, ZSH -> "source " + q(shell, hook) + "\n"
                    + "export PATH=/usr/bin:/bin\n"
                    + "unset NEWX DUP EMPTY\n";
            case FISH -> "source " + q(shell, hook) + "\n"
                    + "set -gx PATH /usr/bin /bin\n"
                    + "set -e NEWX; set -e DUP; set -e EMPTY\n";
        };
        sc.writeBytes(utf8(setup));
        String export = shell == Shell.FISH ? "set -gx " : "export ";
        sc.writeBytes(utf8(export + "OLDX" + (shell == Shell.FISH ? " " : "=")));
        shell.quote(OLD, sc);
        sc.writeBytes(utf8("\n" + export + "BYTES" + (shell == Shell.FISH ? " " : "=")));
        shell.quote(allBytes(), sc);
        sc.writeBytes(utf8("\n" + (shell == Shell.FISH ? "set -g SHELLX " : "SHELLX=")));
        shell.quote(SHELL_ONLY, sc);
        sc.writeBytes(utf8("\n"));
        // Load and undo inside a function, as the hook does, with its locals.
        String body = switch (shell) {
            case BASH, ZSH -> """
                    _t_load() { local _kimen_s=0 _kimen_d= _kimen_f= _kimen_i; source %1$s; }
                    _t_undo() { local _kimen_s=0 _kimen_d= _kimen_f= _kimen_i _kimen_w; for _kimen_w in "${_kimen_undo[@]}"; do eval "$_kimen_w"; done; }
                    _t_dump() {
                      /usr/bin/env -0 > "$1/env"
                      if [[ -v SHELLX ]]; then printf %%s "$SHELLX" > "$1/SHELLX"; fi
                      if [[ -v NEWX ]]; then printf %%s "$NEWX" > "$1/NEWX"; fi
                      if %2$s dev >/dev/null 2>&1; then : > "$1/fn-dev"; fi
                      printf '%%s\\0' "${_kimen_watch[@]}" > "$1/watch"
                      printf %%s "$_kimen_state" > "$1/state"
                    }
                    mkdir -p %3$s/loaded %3$s/undone
                    _t_load
                    _t_dump %3$s/loaded
                    dev 'a b' '$x' "it's" ''
                    _t_undo
                    _t_dump %3$s/undone
                    """.formatted(q(shell, load), shell == Shell.BASH ? "declare -F" : "functions", q(shell, out));
            case FISH -> """
                    function _t_load; source %1$s; end
                    function _t_undo; for _kimen_c in $_kimen_undo; eval $_kimen_c; end; end
                    function _t_dump
                      /usr/bin/env -0 > $argv[1]/env
                      set -q SHELLX; and printf %%s "$SHELLX" > $argv[1]/SHELLX
                      set -q NEWX; and printf %%s "$NEWX" > $argv[1]/NEWX
                      functions -q dev; and true > $argv[1]/fn-dev
                      string join0 -- $_kimen_watch > $argv[1]/watch
                      printf %%s "$_kimen_state" > $argv[1]/state
                    end
                    mkdir -p %2$s/loaded %2$s/undone
                    _t_load
                    _t_dump %2$s/loaded
                    dev 'a b' '$x' "it's" ''
                    _t_undo
                    _t_dump %2$s/undone
                    """.formatted(q(shell, load), q(shell, out));
        };
        sc.writeBytes(utf8(body));
        return sc.toByteArray();
    }

    /** A launcher that records its arguments, in a directory whose name needs quoting. */
    private Path launcher(Path argsFile, String dirName) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        Path launcher = dir.resolve("kimen");
        Files.writeString(launcher, "#!/bin/sh\n: > '" + argsFile + "'\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '"
                + argsFile + "'; done\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        return launcher;
    }

    /** NAME=value pairs of {@code env -0} output, as bytes. */
    static Map<String, byte[]> env(Path file) throws IOException {
        var out = new HashMap<String, byte[]>();
        byte[] all = Files.readAllBytes(file);
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                byte[] entry = Arrays.copyOfRange(all, start, i);
                int eq = 0;
                while (eq < entry.length && entry[eq] != '=') {
                    eq++;
                }
                out.put(new String(entry, 0, eq, StandardCharsets.UTF_8), Arrays.copyOfRange(entry, Math.min(eq + 1, entry.length), entry.length));
                start = i + 1;
            }
        }
        return out;
    }

    static List<String> nulSeparated(Path file) throws IOException {
        String s = Files.readString(file);
        if (s.isEmpty()) {
            return List.of();
        }
        assertTrue(s.endsWith("\0"), s);
        return List.of(s.substring(0, s.length() - 1).split("\0", -1));
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aLoadScriptExportsExactValuesAndItsUndoPutsBackWhatWasThere(Shell shell) throws Exception {
        loadAndUndo(shell, "bin dir's");
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aLauncherPathThatNeedsQuotingStillRunsTheGroup(Shell shell) throws Exception {
        loadAndUndo(shell, "bin $x \"dq\" `b`");
    }

    private void loadAndUndo(Shell shell, String launcherDir) throws Exception {
        Path out = tmp.resolve("out");
        Path args = tmp.resolve("args");
        Path config = Files.createDirectories(tmp.resolve("proj $x 'q' \"d\" `b`")).resolve(".mima.yaml");
        Ran ran = run(shell, loadAndUndo(shell, launcher(args, launcherDir), config, out));
        assertEquals(0, ran.status(), ran.output());
        assertEquals("", ran.output(), "no error or warning");

        Map<String, byte[]> loaded = env(out.resolve("loaded/env"));
        assertArrayEquals(NEW, loaded.get("OLDX"), str(loaded.get("OLDX")));
        assertEquals("fresh", str(loaded.get("NEWX")));
        assertEquals("now exported", str(loaded.get("SHELLX")));
        assertEquals("from env:", str(loaded.get("DUP")), "the later of two sets");
        assertEquals("replaced", str(loaded.get("BYTES")));
        assertEquals("", str(loaded.get("EMPTY")));
        assertEquals(String.join(":", ADDED) + ":/usr/bin:/bin", str(loaded.get("PATH")), "added dirs first, in order");
        assertTrue(Files.exists(out.resolve("loaded/fn-dev")), "dev is a function");
        assertEquals(List.of(config.toString(), "/stamps/one", tmp.resolve("missing .env").toString(), ""),
                nulSeparated(out.resolve("loaded/watch")));
        assertEquals("loaded:ab'c", Files.readString(out.resolve("loaded/state")));

        assertEquals(List.of("run", "--mima-file", config.toString(), "dev", "--", "a b", "$x", "it's", ""),
                nulSeparated(args), "the group function calls the launcher with its arguments as they were");

        Map<String, byte[]> undone = env(out.resolve("undone/env"));
        assertArrayEquals(OLD, undone.get("OLDX"), "exported before: " + str(undone.get("OLDX")));
        assertNull(undone.get("NEWX"), "unset before: not exported");
        assertFalse(Files.exists(out.resolve("undone/NEWX")), "unset before: not set at all");
        if (shell != Shell.FISH) { // fish: see fishPutsBackAShellVariableUnexported
            assertNull(undone.get("SHELLX"), "not exported before");
        }
        assertArrayEquals(SHELL_ONLY, Files.readAllBytes(out.resolve("undone/SHELLX")), "the shell variable's value");
        assertNull(undone.get("DUP"), "set twice, unset before");
        assertNull(undone.get("EMPTY"));
        assertArrayEquals(allBytes(), undone.get("BYTES"), "every byte of the old value");
        assertEquals("/usr/bin:/bin", str(undone.get("PATH")));
        assertFalse(Files.exists(out.resolve("undone/fn-dev")), "dev is gone");
    }

    @Test
    void aGroupWithTheNameOfAnExistingFunctionIsLeftAlone() throws Exception {
        Path hook = Files.writeString(tmp.resolve("hook.bash"), Shell.BASH.hook("kimen", "/bin/false"));
        Path load = tmp.resolve("load.bash");
        try (var s = new LoadScript(Shell.BASH); OutputStream o = Files.newOutputStream(load)) {
            s.function("dev", tmp.resolve(".mima.yaml"));
            s.writeTo(o);
        }
        Ran ran = run(Shell.BASH, utf8("source " + hook + "\ndev() { echo mine; }\nsource " + load
                + "\nfor c in \"${_kimen_undo[@]}\"; do eval \"$c\"; done\ndev\n"));
        assertEquals(0, ran.status(), ran.output());
        assertTrue(ran.output().contains("kimen: dev is already a function or alias in this shell"), ran.output());
        assertTrue(ran.output().endsWith("mine\n"), "still the user's, also after the undo: " + ran.output());
    }

    /** fish: a variable set to an empty list ({@code set -gx X}) is set; leaving must put it back. */
    @Test
    void fishPutsBackAVariableThatHeldAnEmptyList() throws Exception {
        Path hook = Files.writeString(tmp.resolve("hook.fish"), Shell.FISH.hook("kimen", "/bin/false"));
        Path load = tmp.resolve("load.fish");
        try (var s = new LoadScript(Shell.FISH); OutputStream o = Files.newOutputStream(load)) {
            s.set("EL", utf8("project value"));
            s.writeTo(o);
        }
        Ran ran = run(Shell.FISH, utf8("source " + hook + "\nset -gx EL\nsource " + load
                + "\nfor c in $_kimen_undo; eval $c; end\nset -q EL; and echo set (count $EL); /usr/bin/env -0 > "
                + tmp.resolve("env") + "\n"));
        assertEquals(0, ran.status(), ran.output());
        assertEquals("set 0\n", ran.output());
        assertEquals("", str(env(tmp.resolve("env")).get("EL")), "exported, empty");
    }

    @Test
    void fishPutsBackAShellVariableUnexported() throws Exception {
        Path hook = Files.writeString(tmp.resolve("hook.fish"), Shell.FISH.hook("kimen", "/bin/false"));
        Path load = tmp.resolve("load.fish");
        try (var s = new LoadScript(Shell.FISH); OutputStream o = Files.newOutputStream(load)) {
            s.set("SHELLX", utf8("project value"));
            s.writeTo(o);
        }
        Ran ran = run(Shell.FISH, utf8("source " + hook + "\nset -g SHELLX mine\nsource " + load
                + "\nfor c in $_kimen_undo; eval $c; end\necho $SHELLX; /usr/bin/env -0 > " + tmp.resolve("env") + "\n"));
        assertEquals(0, ran.status(), ran.output());
        assertEquals("mine\n", ran.output());
        assertNull(env(tmp.resolve("env")).get("SHELLX"), "not exported, as before");
    }
}
