package dev.kimen.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @Test
    void keysKimenDoesNotKnowSurviveAWrite(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"remotes\": {\"team\": {\"url\": \"fs:/x\"}}, \"vault\": {\"other\": 1}}");
        Config config = Config.load(file);
        config.setVaultPath("/v.kv");
        config.save();
        var json = com.grack.nanojson.JsonParser.object().from(Files.readString(file));
        assertEquals("fs:/x", json.getObject("remotes").getObject("team").getString("url"));
        assertEquals(1, json.getObject("vault").getInt("other"));
        assertEquals("/v.kv", Config.load(file).vaultPath().orElseThrow());
    }

    @Test
    void xdgConfigHomeMustBeAbsolute() {
        assertEquals(Path.of("/x/.config"), UserDirs.from(Map.of("HOME", "/x", "XDG_CONFIG_HOME", "rel")).configHome());
        assertEquals(Path.of("/c"), UserDirs.from(Map.of("HOME", "/x", "XDG_CONFIG_HOME", "/c")).configHome());
    }
}
