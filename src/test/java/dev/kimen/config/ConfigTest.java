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

    /** nanojson recurses per level: a hostile or damaged file is a one-line invalid_config, not a stack overflow. */
    @Test
    void deeplyNestedJsonIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"a\":" + "[".repeat(20_000));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.kimen.KimenException.class, () -> Config.load(file));
        assertEquals(dev.kimen.Reason.INVALID_CONFIG, e.reason());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("nested deeper than 64 levels"), e.getMessage());

        String sixtyFour = "{\"a\":" + "[".repeat(63) + "\"]]]{[\\\"\"" + "]".repeat(63) + "}";
        assertEquals(sixtyFour, dev.kimen.json.Json.requireShallow(sixtyFour), "64 levels, brackets in a string ignored");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.kimen.json.Json.requireShallow("[" + sixtyFour + "]"));
    }

    @Test
    void xdgConfigHomeMustBeAbsolute() {
        assertEquals(Path.of("/x/.config"), UserDirs.from(Map.of("HOME", "/x", "XDG_CONFIG_HOME", "rel")).configHome());
        assertEquals(Path.of("/c"), UserDirs.from(Map.of("HOME", "/x", "XDG_CONFIG_HOME", "/c")).configHome());
    }
}
