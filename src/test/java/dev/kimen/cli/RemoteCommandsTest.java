package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen remote …} in-process: JSON actions, reasons, per-vault scope, nothing saved on refusal. */
class RemoteCommandsTest {
    @TempDir Path home;
    CliRun cli;

    @BeforeEach
    void setUp() {
        cli = new CliRun(home);
    }

    private JsonObject ok(String... args) throws Exception {
        CliRun.Result r = cli.run(args);
        assertEquals(0, r.code(), r.stderr());
        JsonObject json = JsonParser.object().from(new String(r.stdout(), StandardCharsets.UTF_8));
        assertEquals(true, json.get("ok"));
        return json;
    }

    private JsonObject fails(int code, String reason, String... args) throws Exception {
        CliRun.Result r = cli.run(args);
        assertEquals(code, r.code(), r.stderr());
        JsonObject envelope = JsonParser.object().from(r.stderr().strip());
        assertEquals(reason, envelope.getString("reason"));
        return envelope;
    }

    @Test
    void addGetSetListRmWithTheirActions() throws Exception {
        JsonObject added = ok("remote", "add", "team", "git@github.com:acme/s.git", "--identity", "key.txt", "--json");
        assertEquals("remote_add", added.getString("action"));
        assertEquals("git", added.getString("kind"));
        assertTrue(added.getString("identity").endsWith("/key.txt") && Path.of(added.getString("identity")).isAbsolute());

        assertEquals("git@github.com:acme/s.git", ok("remote", "get", "team", "--json").getString("url"));
        JsonObject set = ok("remote", "set", "team", "/mnt/share", "--json");
        assertEquals("remote_set", set.getString("action"));
        assertEquals("fs:/mnt/share", set.getString("url"));
        assertEquals(added.getString("identity"), set.getString("identity"), "set keeps the identity");

        ok("remote", "add", "backup", "git+file:///srv/b.git", "--json");
        JsonObject list = ok("remote", "list", "--json");
        assertEquals("remote_list", list.getString("action"));
        assertEquals(2, list.getArray("remotes").size());
        assertEquals("backup", list.getArray("remotes").getObject(0).getString("name"));

        assertEquals("remote_rm", ok("remote", "rm", "backup", "--json").getString("action"));
        assertEquals(1, ok("remote", "list", "--json").getArray("remotes").size());
    }

    @Test
    void existsNotFoundAndBadInputChangeNothing() throws Exception {
        ok("remote", "add", "team", "/mnt/a", "--json");
        Path config = home.resolve(".config/kimen/config.json");
        byte[] before = Files.readAllBytes(config);

        fails(24, "remote_exists", "remote", "add", "team", "/mnt/b", "--json");
        fails(22, "remote_not_found", "remote", "get", "nope", "--json");
        fails(22, "remote_not_found", "remote", "set", "nope", "/mnt/c", "--json");
        fails(22, "remote_not_found", "remote", "rm", "nope", "--json");
        fails(2, "usage", "remote", "add", "-bad", "/mnt/c", "--json");
        fails(2, "usage", "remote", "add", "other", "https://example.com/x.git", "--json");
        JsonObject secret = fails(2, "usage", "remote", "add", "other", "git+https://u:hunter2@example.com/x.git", "--json");
        assertFalse(secret.getString("error").contains("hunter2"));
        // A plain path to a bare git repository would be written into as a directory: said, not taken.
        Path bare = Files.createDirectories(home.resolve("team.git"));
        Files.writeString(bare.resolve("HEAD"), "ref: refs/heads/main\n");
        Files.createDirectories(bare.resolve("objects"));
        Files.createDirectories(bare.resolve("refs"));
        JsonObject git = fails(2, "usage", "remote", "add", "other", bare.toString(), "--json");
        assertTrue(git.getString("hint").contains("git+file://" + bare), git.toString());
        fails(2, "usage", "remote", "set", "team", bare.toString(), "--json");

        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(config), "refusals leave config.json as it was");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    }

    @Test
    void remotesBelongToTheVaultTheyWereAddedFor() throws Exception {
        ok("remote", "add", "team", "/mnt/a", "--json");
        Path other = home.resolve("other.kv");
        assertEquals(0, ok("remote", "list", "--vault", other.toString(), "--json").getArray("remotes").size());
        ok("remote", "add", "team", "/mnt/other", "--vault", other.toString(), "--json");
        assertEquals("fs:/mnt/a", ok("remote", "get", "team", "--json").getString("url"));
        assertEquals("fs:/mnt/other", ok("remote", "get", "team", "--vault", other.toString(), "--json").getString("url"));
    }
}
