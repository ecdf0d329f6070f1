package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §5 bundles against the real {@code age} and {@code age-keygen} (Debian package
 * {@code age}): kimen's bundles open with {@code age -d}, files {@code age -e} made (binary and
 * armored) open with {@code bundle open}, identities and recipients agree with age-keygen, every
 * recipient can decrypt, and every refusal leaves no output vault behind.
 */
class BundleE2ETest {
    private static final String PASS = "e2e bundle passphrase";
    private static final String JOB_PASS = "e2e bundle job passphrase";
    private static final byte[] BINARY = {0, 1, '\n', '$', '\'', (byte) 0xff, 'x'};

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, JOB_PASS);

    @TempDir
    Path tmp;

    private Kimen kimen;
    private Kimen job;

    @BeforeEach
    void vault() {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("db.url", utf8("postgres://u:p@h/db"), "blob", BINARY));
        job = kimen.with("KIMEN_PASSPHRASE", JOB_PASS);
    }

    @Test
    void keygenWritesAnAgeIdentityThatAgeKeygenAgreesWith() throws Exception {
        Path key = tmp.resolve("key.txt");
        JsonObject made = kimen.run("bundle", "keygen", "--out", key.toString(), "--json").json();
        assertEquals("bundle_keygen", made.getString("action"));
        assertEquals("rw-------", Vaults.mode(key));
        String text = Files.readString(key);
        assertTrue(text.contains("# public key: " + made.getString("recipient") + "\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("AGE-SECRET-KEY-1")), "an age identity line");

        String byAge = sh(null, "age-keygen", "-y", key.toString()).strip();
        assertEquals(byAge, made.getString("recipient"));
        assertEquals(byAge, kimen.run("bundle", "recipient", key.toString()).ok().out().strip());
        assertEquals(byAge, kimen.run("bundle", "recipient", key.toString(), "--json").json().getString("recipient"));

        Path ageKey = tmp.resolve("age-key.txt");
        sh(null, "age-keygen", "-o", ageKey.toString());
        assertEquals(sh(null, "age-keygen", "-y", ageKey.toString()).strip(),
                kimen.run("bundle", "recipient", ageKey.toString()).ok().out().strip(), "an identity age-keygen made");

        byte[] before = Files.readAllBytes(key);
        kimen.run("bundle", "keygen", "--out", key.toString(), "--json").failsWith(24, "file_exists");
        assertArrayEquals(before, Files.readAllBytes(key), "keygen never overwrites an identity");
    }

    @Test
    void ourBundlesOpenWithAgeAndHoldTheDocumentedPlaintext() throws Exception {
        Path key = keygen("key.txt");
        String recipient = recipientOf(key);
        for (boolean armor : new boolean[] {false, true}) {
            Path bundle = tmp.resolve(armor ? "vault.age.txt" : "vault.age");
            var args = new ArrayList<>(List.of("bundle", "seal", "--recipient", recipient, "--out", bundle.toString(), "--json"));
            if (armor) {
                args.add("--armor");
            }
            JsonObject sealed = kimen.run(args.toArray(String[]::new)).json();
            assertEquals("bundle_seal", sealed.getString("action"));
            assertEquals(3, sealed.getInt("secrets"));
            assertEquals(armor, Files.readString(bundle, StandardCharsets.ISO_8859_1).startsWith("-----BEGIN AGE ENCRYPTED FILE-----"));

            JsonObject plain = JsonParser.object().from(sh(null, "age", "-d", "-i", key.toString(), bundle.toString()));
            assertEquals("kimen-bundle/v1", plain.getString("format"));
            JsonObject secrets = plain.getObject("secrets");
            assertEquals(List.of("blob", Canary.NAME, "db.url"), new ArrayList<>(secrets.keySet()), "all names, sorted");
            assertArrayEquals(BINARY, Base64.getDecoder().decode(secrets.getString("blob")));
            assertEquals("postgres://u:p@h/db", new String(Base64.getDecoder().decode(secrets.getString("db.url")), StandardCharsets.UTF_8));
        }
    }

    @Test
    void filesAgeMadeOpenIntoAJobLocalVault() throws Exception {
        Path key = keygen("key.txt");
        String plaintext = "{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"api.token\":\""
                + Base64.getEncoder().encodeToString(BINARY) + "\",\"name\":\"" + b64("värde") + "\"}}\n";
        for (boolean armor : new boolean[] {false, true}) {
            Path bundle = tmp.resolve(armor ? "by-age.age.txt" : "by-age.age");
            var args = new ArrayList<>(List.of("age", "-e", "-r", recipientOf(key), "-o", bundle.toString()));
            if (armor) {
                args.add(2, "-a");
            }
            sh(utf8(plaintext), args.toArray(String[]::new));
            Path out = tmp.resolve("job" + armor + "/vault.kv");
            JsonObject opened = job.run("bundle", "open", bundle.toString(), "--identity", key.toString(),
                    "--out-vault", out.toString(), "--json").json();
            assertEquals("bundle_open", opened.getString("action"));
            assertEquals(2, opened.getInt("secrets"));
            assertEquals("rw-------", Vaults.mode(out));
            Map<String, byte[]> contents = Vaults.read(out, JOB_PASS);
            assertArrayEquals(BINARY, contents.get("api.token"));
            assertArrayEquals(utf8("värde"), contents.get("name"));
        }
    }

    @Test
    void everyRecipientCanOpenTheSameBundle() throws Exception {
        Path ours = keygen("ours.txt");
        Path theirs = tmp.resolve("theirs.txt");
        sh(null, "age-keygen", "-o", theirs.toString());
        Path recipients = Files.writeString(tmp.resolve("team.txt"),
                "# the team\n" + sh(null, "age-keygen", "-y", theirs.toString()) + "\n\n");
        Path bundle = tmp.resolve("team.age");
        assertEquals(2, kimen.run("bundle", "seal", "--recipient", recipientOf(ours), "--recipients-file",
                recipients.toString(), "--out", bundle.toString(), "--json").json().getArray("recipients").size());

        assertEquals("kimen-bundle/v1", JsonParser.object().from(sh(null, "age", "-d", "-i", theirs.toString(),
                bundle.toString())).getString("format"));
        for (Path identity : List.of(ours, theirs)) {
            Path out = tmp.resolve(identity.getFileName() + ".kv");
            job.run("bundle", "open", bundle.toString(), "--identity", identity.toString(), "--out-vault", out.toString()).ok();
            assertArrayEquals(BINARY, Vaults.read(out, JOB_PASS).get("blob"));
        }
    }

    @Test
    void aWrongIdentityATamperedFileOrAForeignPlaintextOpensNothing() throws Exception {
        Path key = keygen("key.txt");
        Path other = keygen("other.txt");
        Path bundle = tmp.resolve("vault.age");
        kimen.run("bundle", "seal", "--recipient", recipientOf(key), "--out", bundle.toString()).ok();
        Path out = tmp.resolve("out.kv");

        open(bundle, other, out).failsWith(25, "invalid_bundle");

        byte[] good = Files.readAllBytes(bundle);
        for (int at : new int[] {20, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x01;
            Path tampered = Files.write(tmp.resolve("tampered-" + at + ".age"), bad);
            open(tampered, key, out).failsWith(25, "invalid_bundle");
        }
        Path cut = Files.write(tmp.resolve("cut.age"), java.util.Arrays.copyOf(good, good.length - 17));
        open(cut, key, out).failsWith(25, "invalid_bundle");

        Path foreign = tmp.resolve("foreign.age");
        sh(utf8("just some text\n"), "age", "-e", "-r", recipientOf(key), "-o", foreign.toString());
        open(foreign, key, out).failsWith(25, "invalid_bundle");
        Path future = tmp.resolve("future.age");
        sh(utf8("{\"format\":\"kimen-bundle/v9\",\"secrets\":{}}"), "age", "-e", "-r", recipientOf(key), "-o", future.toString());
        assertTrue(open(future, key, out).failsWith(25, "invalid_bundle").getString("error").contains("v9"));

        assertFalse(Files.exists(out), "no refusal leaves a vault behind");
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".out.kv")), "nor a temp file");
        }

        Files.writeString(out, "not mine");
        open(bundle, key, out).failsWith(24, "vault_exists");
        assertEquals("not mine", Files.readString(out));
    }

    @Test
    void badRecipientsAreUsageErrorsAndWriteNothing() {
        Path bundle = tmp.resolve("vault.age");
        kimen.run("bundle", "seal", "--recipient", "age1notarecipient", "--out", bundle.toString(), "--json")
                .failsWith(2, "usage");
        kimen.run("bundle", "seal", "--out", bundle.toString(), "--json").failsWith(2, "usage");
        kimen.run("bundle", "seal", "--recipients-file", tmp.resolve("none.txt").toString(), "--out", bundle.toString(),
                "--json").failsWith(2, "usage");
        assertFalse(Files.exists(bundle));
    }

    private Kimen.Result open(Path bundle, Path identity, Path out) {
        return job.run("bundle", "open", bundle.toString(), "--identity", identity.toString(), "--out-vault",
                out.toString(), "--json");
    }

    private Path keygen(String name) {
        Path key = tmp.resolve(name);
        kimen.run("bundle", "keygen", "--out", key.toString()).ok();
        return key;
    }

    private String recipientOf(Path key) {
        return kimen.run("bundle", "recipient", key.toString()).ok().out().strip();
    }

    /** Runs a real tool (age, age-keygen); fails unless it exits 0; returns its stdout. */
    private static String sh(byte[] stdin, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed: " + err);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(utf8(s));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
