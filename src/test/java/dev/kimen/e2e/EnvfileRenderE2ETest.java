package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen envfile} and {@code kimen render} through the real bin/kimen, read back by real shells. */
class EnvfileRenderE2ETest {
    private static final String PASS = "e2e envfile passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    /** Values that break naive quoting, each in its own secret. */
    static final Map<String, String> NASTY = new LinkedHashMap<>();

    static {
        NASTY.put("V_NEWLINES", "first\nsecond\n\nthird\n");
        NASTY.put("V_QUOTES", "it's \"quoted\" and 'single' '\\''");
        NASTY.put("V_DOLLAR", "$HOME ${PATH} $(id) `id` $((1+1))");
        NASTY.put("V_BACKSLASH", "a\\b\\\\c\\n\\");
        NASTY.put("V_HASH", "#not a comment # either");
        NASTY.put("V_SPACES", "  leading and trailing  ");
        NASTY.put("V_EMPTY", "");
        NASTY.put("V_UNICODE", "värde ✓ 😀");
        NASTY.put("V_CR", "dos\r\nline");
    }

    @TempDir
    Path tmp;

    private Kimen kimenWithNastyVault() {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        var secrets = new LinkedHashMap<String, byte[]>();
        NASTY.forEach((name, value) -> secrets.put(name.toLowerCase(), value.getBytes(StandardCharsets.UTF_8)));
        Vaults.create(kimen.defaultVault(), PASS, secrets);
        return kimen;
    }

    private static List<String> envArgs() {
        var args = new ArrayList<String>();
        NASTY.keySet().forEach(name -> args.addAll(List.of("--env", name + "=" + name.toLowerCase())));
        args.addAll(List.of("--env", "V_CANARY=" + Canary.NAME));
        return args;
    }

    @Test
    void dotenvSourcedBySh_BashAndZshGivesBackEveryValue() throws Exception {
        Kimen kimen = kimenWithNastyVault();
        Path envfile = tmp.resolve("out/app.env");
        var args = new ArrayList<>(List.of("envfile", "--out", envfile.toString()));
        args.addAll(envArgs());
        assertEquals(0, kimen.run(args.toArray(String[]::new)).exit());
        assertEquals("rw-------", Vaults.mode(envfile));

        var expected = new LinkedHashMap<>(NASTY);
        expected.put("V_CANARY", Canary.VALUE);
        for (String shell : List.of("sh", "bash", "zsh")) {
            if (!Files.isExecutable(Path.of("/bin/" + shell)) && !Files.isExecutable(Path.of("/usr/bin/" + shell))) {
                continue; // zsh arrives with the hook work's packages
            }
            for (var e : expected.entrySet()) {
                Path got = tmp.resolve("got");
                var p = new ProcessBuilder(shell, "-c", "set -a; . \"$1\"; printf %s \"$" + e.getKey() + "\" > \"$2\"",
                        shell, envfile.toString(), got.toString()).inheritIO().start();
                assertEquals(0, p.waitFor(), shell + " " + e.getKey());
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(got),
                        shell + " " + e.getKey());
            }
        }
    }

    @Test
    void dockerFormatRefusesLineBreaksAndWritesNothing() {
        Kimen kimen = kimenWithNastyVault();
        Path envfile = tmp.resolve("docker.env");
        var r = kimen.run("envfile", "--format", "docker", "--out", envfile.toString(), "--env", "V=v_newlines", "--json");
        assertEquals(25, r.exit());
        assertTrue(r.stderr().contains("\"reason\":\"invalid_value\""), r.stderr());
        assertFalse(Files.exists(envfile));
        assertEquals(0, kimen.run("envfile", "--format", "docker", "--out", envfile.toString(),
                "--env", "V=v_quotes", "--env", "C=" + Canary.NAME).exit());
        assertTrue(Files.exists(envfile));
    }

    @Test
    void renderWritesPrivateFilesAndSystemdHints() throws Exception {
        Kimen kimen = kimenWithNastyVault();
        Path base = tmp.resolve("runtime");
        var r = kimen.run("render", "--file", "certs/token=" + Canary.NAME, "--envpath", "TOKEN_FILE=certs/token",
                "--systemd-service", "api", "--runtime-dir", base.toString(), "--print-systemd-hints", "--json");
        assertEquals(0, r.exit(), r.describe());
        Path dir = base.resolve("kimen/api");
        assertEquals(Canary.VALUE, Files.readString(dir.resolve("certs/token")));
        assertEquals("rw-------", Vaults.mode(dir.resolve("certs/token")));
        assertEquals("rwx------", Vaults.mode(dir));
        assertEquals("rwx------", Vaults.mode(dir.resolve("certs")));
        assertTrue(r.out().contains("Environment=KIMEN_FILES_DIR=" + dir), r.out());
        assertTrue(r.out().contains("Environment=TOKEN_FILE=" + dir.resolve("certs/token")), r.out());

        Path plain = tmp.resolve("plain");
        assertEquals(0, kimen.run("render", "--dir", plain.toString(), "--file", "t=" + Canary.NAME).exit());
        assertEquals(Canary.VALUE, Files.readString(plain.resolve("t")));
        assertEquals(26, kimen.run("render", "--dir", plain.toString(), "--file", "../t=" + Canary.NAME).exit());
        assertFalse(Files.exists(tmp.resolve("t")));
        assertEquals(2, kimen.run("render", "--file", "t=" + Canary.NAME).exit(), "needs --dir or --systemd-service");

        // a failing value leaves the directory as it was
        var failing = kimen.run("render", "--dir", plain.toString(), "--file", "t=const:new", "--file", "u=no.such.secret");
        assertEquals(22, failing.exit(), failing.describe());
        assertEquals(Canary.VALUE, Files.readString(plain.resolve("t")));
        assertFalse(Files.exists(plain.resolve("u")));

        Path open = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(26, kimen.run("render", "--dir", open.toString(), "--file", "t=" + Canary.NAME).exit());
        assertFalse(Files.exists(open.resolve("t")));
    }
}
