package dev.kimen.projection.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLocatorTest {
    @Test
    void lookupOrderWithAllFourLocationsPresent(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        Path cwd = tmp.resolve("project");
        var env = new HashMap<String, String>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        env.put("KIMEN_PROFILE_DIR", tmp.resolve("explicit").toString());
        List<Path> places = List.of(tmp.resolve("explicit"), cwd.resolve(".kimen/profiles"),
                tmp.resolve("xdg/kimen/profiles"), home.resolve(".config/kimen/profiles"));
        for (Path dir : places) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prod.kmap"), "env A=const:" + dir + "\n");
        }
        for (Path expected : places) {
            assertEquals(expected.resolve("prod.kmap"), ProfileLocator.find("prod", env, cwd));
            Files.delete(expected.resolve("prod.kmap")); // the next location takes over
        }
        var e = assertThrows(KimenException.class, () -> ProfileLocator.find("prod", env, cwd));
        assertEquals(Reason.PROFILE_NOT_FOUND, e.reason());
        assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> ProfileLocator.find("../x", env, cwd)).reason());
    }
}
