package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
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
 * Issue 10: {@code kimen scan} finds a planted vault value in a file and in a change staged with
 * the real git, names the file, line and secret and never the value (the log forbids it), and its
 * pre-commit hook stops a real {@code git commit}.
 */
class ScanE2ETest {
    private static final String PASS = "scan-e2e-pass";
    private static final String VALUE = "sk-live-4f9a0c2e7b1d";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(VALUE, PASS);

    @TempDir
    Path tmp;
    Kimen kimen;
    Path repo;

    @BeforeEach
    void setUp() throws Exception {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("api.key", VALUE.getBytes(StandardCharsets.UTF_8)));
        repo = Files.createDirectories(tmp.resolve("repo"));
        git("init", "-q", ".");
        git("config", "user.email", "e2e@example.invalid");
        git("config", "user.name", "e2e");
        Files.writeString(repo.resolve("README"), "nothing to see\n");
        git("add", "README");
        assertEquals(0, git("commit", "-q", "-m", "first"));
    }

    @Test
    void findsAPlantedValueAsIsAndInBase64ByFileAndLine() throws Exception {
        Files.createDirectories(repo.resolve("config"));
        Files.writeString(repo.resolve("config/app.yaml"), "name: app\napi_key: " + VALUE + "\n");
        Files.writeString(repo.resolve("auth.txt"), "\n\nAuthorization: Basic "
                + Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8)) + "\n");
        Kimen.Result r = kimen.at(repo).run("scan");
        assertEquals(28, r.exit(), r::describe);
        assertEquals(List.of("auth.txt:3: api.key (base64)", "config/app.yaml:2: api.key"), r.lines().stream().sorted().toList());

        Kimen.Result config = kimen.at(repo).run("scan", "config", "--json");
        assertEquals(28, config.exit(), config::describe);
        JsonObject json = com.grack.nanojson.JsonParser.object().from(config.out());
        assertEquals("secrets_found", json.getString("reason"));
        JsonArray findings = json.getArray("findings");
        assertEquals(1, findings.size());
        assertEquals("config/app.yaml", findings.getObject(0).getString("path"));
        assertEquals(2, findings.getObject(0).getInt("line"));

        Files.delete(repo.resolve("config/app.yaml"));
        Files.delete(repo.resolve("auth.txt"));
        assertEquals(0, kimen.at(repo).run("scan").exit(), "a clean tree");
    }

    @Test
    void findsAValueInAStagedChangeAndTheHookStopsTheCommit() throws Exception {
        kimen.at(repo).run("scan", "--install-hook").ok();
        Path hook = repo.resolve(".git/hooks/pre-commit");
        assertTrue(Files.isExecutable(hook));

        Files.writeString(repo.resolve("deploy.env"), "REGION=eu\nTOKEN=" + VALUE + "\n");
        git("add", "deploy.env");
        Kimen.Result staged = kimen.at(repo).run("scan", "--staged");
        assertEquals(28, staged.exit(), staged::describe);
        assertEquals(List.of("deploy.env:2: api.key"), staged.lines());

        // the staged version counts, not the file on disk
        Files.writeString(repo.resolve("deploy.env"), "REGION=eu\n");
        assertEquals(28, kimen.at(repo).run("scan", "--staged").exit());

        int before = commits();
        assertNotEquals(0, git(Map.of("KIMEN_PASSPHRASE", PASS), "commit", "-q", "-m", "leak"), "the hook let the value in");
        assertEquals(before, commits());

        git("add", "deploy.env");
        assertEquals(0, git(Map.of("KIMEN_PASSPHRASE", PASS), "commit", "-q", "-m", "clean"), "the hook stopped a clean commit");
        assertEquals(before + 1, commits());
    }

    @Test
    void anotherPreCommitHookIsLeftAlone() throws Exception {
        Path hook = repo.resolve(".git/hooks/pre-commit");
        Files.writeString(hook, "#!/bin/sh\nexit 0\n");
        byte[] before = Files.readAllBytes(hook);
        kimen.at(repo).run("scan", "--install-hook", "--json").failsWith(24, "file_exists");
        assertArrayEquals(before, Files.readAllBytes(hook));
    }

    private int commits() throws Exception {
        var p = new ProcessBuilder("git", "-C", repo.toString(), "rev-list", "--count", "HEAD").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return Integer.parseInt(out);
    }

    private int git(String... args) throws Exception {
        return git(Map.of(), args);
    }

    /** git in the repo, with kimen's private user (HOME, PATH) and {@code extra} in its environment. */
    private int git(Map<String, String> extra, String... args) throws Exception {
        var argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        var pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(kimen.env());
        pb.environment().remove("KIMEN_PASSPHRASE");
        pb.environment().putAll(extra);
        var process = pb.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "git " + args[0] + " hangs");
        return process.exitValue();
    }
}
