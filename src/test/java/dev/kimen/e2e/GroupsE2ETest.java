package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7's groups through the real launchers: {@code group link|unlink|list|rm} in
 * {@code ~/.mima.yaml}, {@code run <group>}, {@code run --scrub}, {@code env <group>} evaluated by
 * a real sh and bash byte for byte, a hand-edited {@code ~/.mima.yaml}, and {@code bin/mima}.
 */
class GroupsE2ETest {
    private static final String PASS = "e2e groups passphrase";
    /** Everything that breaks naive quoting, and bytes that are not UTF-8. */
    private static final Map<String, byte[]> NASTY = new LinkedHashMap<>();

    static {
        NASTY.put("q.apostrophes", utf8("it's 'quoted' and '' twice"));
        NASTY.put("q.expansions", utf8("$(touch /tmp/kimen-pwned) `id` $HOME ${PATH} \\$ \\\\ \"dq\""));
        NASTY.put("q.newlines", utf8("line one\nline two\n\nand a trailing newline\n"));
        NASTY.put("q.dash", utf8("-n -e --help"));
        NASTY.put("q.unicode", utf8("ünïcödé ✓ 日本"));
        NASTY.put("q.glob", utf8("* ? [a-z] ~ ; | & > <"));
        NASTY.put("q.binary", new byte[] {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0x80, '\'', 1, 2, 0x7f});
    }

    private static final String KEY = "agent-key-value";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    private Kimen kimen;

    @BeforeEach
    void vault() {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS).withMimaStoreVault();
        var secrets = new LinkedHashMap<>(NASTY);
        secrets.put("agent.key", utf8(KEY));
        Vaults.create(kimen.defaultVault(), PASS, secrets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash", "zsh"})
    void envLinesEvaluateBackToEveryByte(String shell) throws Exception {
        int i = 0;
        for (String name : NASTY.keySet()) {
            kimen.run("group", "link", "nasty", "V" + i++, name).ok();
        }
        var result = kimen.run("env", "nasty");
        result.ok();
        assertTrue(result.stderr().contains("warning"), "values landing in the shell are warned about: " + result.describe());
        Path exports = tmp.resolve("exports.sh");
        Files.write(exports, result.stdout());
        Path out = Files.createDirectories(tmp.resolve("out-" + shell));
        var script = new StringBuilder("eval \"$(cat \"$1\")\"\n");
        for (int n = 0; n < NASTY.size(); n++) {
            script.append("printf %s \"$V").append(n).append("\" > \"$2/V").append(n).append("\"\n");
        }
        assertEquals(0, exec(List.of(shell, "-c", script.toString(), shell, exports.toString(), out.toString())));
        i = 0;
        for (var e : NASTY.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve("V" + i++)), e.getKey() + " through " + shell);
        }
        assertFalse(Files.exists(Path.of("/tmp/kimen-pwned")), "nothing in a value ran");
    }

    /**
     * Issue 23: fish reads {@code env}'s lines through {@code | source}; its quoting differs from
     * sh's (a backslash escapes inside single quotes), so kimen run by fish prints fish's lines.
     */
    @Test
    void envLinesForFishSourceBackToEveryByteInFish() throws Exception {
        if (System.getenv("CI") != null) {
            assertTrue(ShellPane.installed("fish"), "fish is not installed: bin/test installs it");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ShellPane.installed("fish"), "fish is not installed");
        int i = 0;
        for (String name : NASTY.keySet()) {
            kimen.run("group", "link", "nasty", "V" + i++, name).ok();
        }
        Path out = Files.createDirectories(tmp.resolve("out-fish"));
        String launcher = ShellPane.quote(Kimen.LAUNCHER.toString());
        var script = new StringBuilder(launcher + " env nasty 2>/dev/null | source\n");
        script.append(launcher).append(" env nasty > ").append(ShellPane.quote(out.resolve("lines").toString()))
                .append(" 2>/dev/null\n");
        for (int n = 0; n < NASTY.size(); n++) {
            script.append("printf %s \"$V").append(n).append("\" > ").append(ShellPane.quote(out.resolve("V" + n).toString()))
                    .append("\n");
        }
        var pb = new ProcessBuilder("fish", "--no-config", "--private", "-c", script.toString())
                .redirectErrorStream(true).directory(kimen.home().toFile());
        pb.environment().clear();
        pb.environment().putAll(kimen.env());
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
        assertEquals("", said, "fish said something");
        i = 0;
        for (var e : NASTY.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve("V" + i++)), e.getKey() + " through fish");
        }
        assertArrayEquals(kimen.run("env", "nasty", "--shell", "fish").ok().stdout(), Files.readAllBytes(out.resolve("lines")),
                "run by fish, env prints what --shell fish prints");
        assertTrue(Files.readString(out.resolve("lines"), StandardCharsets.ISO_8859_1).startsWith("set -gx V0 '"));
        assertFalse(Files.exists(Path.of("/tmp/kimen-pwned")), "nothing in a value ran");
    }

    @Test
    void runGivesTheGroupAndScrubDropsEverythingElse() throws Exception {
        kimen.run("group", "link", "agent", "API_KEY", "agent.key").ok();
        Kimen planted = kimen.with("PLANTED_SECRET", "parent-only-value").with("TMPDIR", tmp.toString());
        String probe = "printf '%s|%s|%s|%s' \"$API_KEY\" \"${PLANTED_SECRET-unset}\" \"${KIMEN_PASSPHRASE-unset}\" \"$HOME\"";

        assertEquals(KEY + "|parent-only-value|unset|" + kimen.home(),
                planted.run("run", "agent", "--", "sh", "-c", probe).ok().out());
        assertEquals(KEY + "|unset|unset|" + kimen.home(),
                planted.run("run", "agent", "--scrub", "--", "sh", "-c", probe).ok().out(), "mima's word order");
        assertEquals(KEY + "|unset|unset|" + kimen.home(),
                planted.run("run", "--scrub", "agent", "--", "sh", "-c", probe).ok().out());

        List<String> names = planted.run("run", "--scrub", "agent", "--", "env", "-0").ok().out().lines()
                .findFirst().map(l -> Arrays.stream(l.split("\0")).map(kv -> kv.split("=", 2)[0]).sorted().toList())
                .orElseThrow();
        assertEquals(List.of("API_KEY", "HOME", "LANG", "PATH", "TMPDIR"), names, "the default safelist, as far as set");

        Files.writeString(kimen.home().resolve(".config/kimen/config.json"),
                "{\"mima\": {\"store\": \"vault\"}, \"scrub\": {\"safelist\": [\"PATH\", \"PLANTED_SECRET\"]}}\n");
        assertEquals(KEY + "|parent-only-value|unset|",
                planted.run("run", "--scrub", "agent", "--", "sh", "-c", probe).ok().out(), "a configured safelist");

        kimen.run("run", "--json", "nope", "--", "true").failsWith(22, "group_not_found");
        assertEquals("-- x", kimen.run("run", "--", "sh", "-c", "printf %s \"$*\"", "sh", "--", "x").ok().out(),
                "a -- typed before the command is picocli's: the word after it is a command, not a group");
        JsonObject notACommand = kimen.run("run", "--json", "agent", "true").failsWith(127, "command_not_found");
        assertTrue(notACommand.getString("hint").contains("kimen run agent -- <command>"), notACommand.toString());
        kimen.run("run", "--json", "--profile", "x", "agent", "--", "true").failsWith(2, "usage");
    }

    @Test
    void aHandEditedMimaYamlIsReadAndKeptThroughChanges() throws Exception {
        Path file = kimen.home().resolve(".mima.yaml");
        Files.writeString(file, """
                # written by hand
                groups:
                  dev:                      # the dev box
                    TOKEN: agent.key
                    LITERAL: "const:on"
                  empty:
                """);
        assertEquals(KEY + " on", kimen.run("run", "dev", "--", "sh", "-c", "printf '%s %s' \"$TOKEN\" \"$LITERAL\"")
                .ok().out());
        JsonObject listed = kimen.run("group", "list", "--json").json();
        assertEquals(List.of("dev", "empty"), listed.getArray("groups").stream()
                .map(g -> ((JsonObject) g).getString("name")).toList());

        kimen.run("group", "link", "dev", "EXTRA", "q.unicode").ok();
        String text = Files.readString(file);
        assertTrue(text.contains("# written by hand") && text.contains("# the dev box"), text);
        kimen.run("group", "unlink", "dev", "LITERAL").ok();
        kimen.run("group", "unlink", "dev", "LITERAL", "--json").failsWith(22, "group_not_found");
        kimen.run("group", "rm", "empty").ok();
        kimen.run("group", "link", "dev", "BAD-NAME", "x", "--json").failsWith(2, "usage");
        kimen.run("group", "link", "1dev", "OK", "x", "--json").failsWith(2, "usage");
        kimen.run("group", "link", "dev", "OK", "two words", "--json").failsWith(2, "usage");
        assertEquals("groups:\n  dev: # the dev box\n    TOKEN: agent.key\n    EXTRA: q.unicode\n",
                Files.readString(file).replace("# written by hand\n", ""));

        Files.writeString(file, "groups:\n  dev: [TOKEN]\n");
        JsonObject broken = kimen.run("group", "list", "--json").failsWith(25, "invalid_config");
        assertTrue(broken.getString("error").contains(".mima.yaml:2"), broken.toString());
    }

    @Test
    void theMimaLauncherSpeaksMima() throws Exception {
        Kimen mima = kimen.mima();
        var added = mima.runWithStdin("sk-openai-secret\n", "secret", "add", "openai-key");
        added.ok();
        mima.runWithStdin("again", "secret", "add", "openai-key", "--json").failsWith(24, "secret_exists");
        var inline = mima.run("secret", "add", "inline-key", "visible-value");
        inline.ok();
        assertTrue(inline.stderr().contains("shell history"), inline.describe());
        assertTrue(mima.run("secret", "list").ok().lines().containsAll(List.of("openai-key", "inline-key")));

        mima.run("group", "link", "agent", "OPENAI_API_KEY", "openai-key").ok();
        assertEquals("sk-openai-secret", mima.run("run", "agent", "--scrub", "--", "sh", "-c", "printf %s \"$OPENAI_API_KEY\"")
                .ok().out(), "a piped value loses its one final newline");
        assertEquals("export OPENAI_API_KEY='sk-openai-secret'\n", mima.run("env", "agent").ok().out());
        var exported = mima.run("secret", "get", "openai-key", "--export");
        assertEquals("export OPENAI_KEY='sk-openai-secret'\n", exported.ok().out());
        assertTrue(exported.stderr().contains("warning"), exported.describe());
        mima.run("secret", "rm", "inline-key").ok();
        assertEquals(kimen.run("group", "list", "--json").json().toString(),
                mima.run("group", "list", "--json").json().toString(), "one ~/.mima.yaml for both launchers");
        assertTrue(mima.run("--help").ok().out().startsWith("Usage: mima"));
    }

    /** Issue 23: under bin/mima, errors, hints, help and the seed's session commands are mima's. */
    @Test
    void mimaSpeaksMima() {
        Kimen mima = kimen.mima();
        var missing = mima.run("run", "nope", "--", "true");
        assertEquals(List.of("mima: error: no group named nope in " + kimen.home().resolve(".mima.yaml"),
                "mima: hint: make one with: mima group link nope <ENV_VAR> <secret-name>"), missing.stderr().lines().toList());
        assertEquals(List.of("mima: error: unknown command grop; did you mean group?", "mima: hint: see: mima --help"),
                mima.run("grop", "list").stderr().lines().toList());
        assertEquals("mima: error: unknown command (not shown: it may be a secret)",
                mima.run("foo").stderr().lines().findFirst().orElseThrow());
        for (String[] help : List.of(new String[] {"--help"}, new String[] {"group", "--help"},
                new String[] {"env", "--help"}, new String[] {"run", "--help"}, new String[] {"hook", "--help"},
                new String[] {"session", "--help"}, new String[] {"secret", "get", "--help"})) {
            String text = mima.run(help).ok().out();
            assertFalse(text.matches("(?s).*\\bkimen (group|run|env|hook|allow|session|secret) .*"),
                    String.join(" ", help) + " names a kimen command:\n" + text);
            assertFalse(text.contains("ROOT-COMMAND"), text);
        }
        assertTrue(mima.run("group", "--help").ok().out().contains("mima group link agent-claude"));

        var started = mima.run("session", "start");
        assertTrue(started.ok().out().contains("lock with: mima session lock"), started.describe());
        try {
            assertTrue(mima.run("session", "status").ok().out().contains("unlocked"));
            assertEquals(KEY, mima.run("run", "--env", "K=agent.key", "--", "sh", "-c", "printf %s \"$K\"")
                    .ok().out());
        } finally {
            mima.run("session", "stop").ok();
        }
    }

    @Test
    void envRefusesWhatAShellCannotHold() {
        Vaults.create(tmp.resolve("nul.kv"), PASS, Map.of("has.nul", new byte[] {'a', 0, 'b'}));
        kimen.run("group", "link", "bad", "V", "has.nul").ok();
        kimen.run("env", "bad", "--vault", tmp.resolve("nul.kv").toString(), "--json").failsWith(25, "invalid_value");
    }

    private int exec(List<String> argv) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        assertEquals("", out, "the shell said something");
        return status;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
