package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.config.UserDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a member keeps for a remote: backups are kept to the newest few, so old values do not stay forever. */
class LocalStateTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTheNewestBackupsAreKept() throws Exception {
        var dirs = new UserDirs(tmp, tmp.resolve("config"), tmp.resolve("cache"), tmp.resolve("data"));
        Path vault = Files.writeString(tmp.resolve("vault.kv"), "kimen-vault/v2 …");
        var state = new LocalState(dirs, vault, "team", "fs:/team", 3);
        var taken = new ArrayList<Path>();
        for (int i = 0; i < 5; i++) {
            taken.add(state.backup(vault));
        }
        assertEquals(taken.subList(2, 5), state.backups(), "the newest 3, oldest first");
        var other = new LocalState(dirs, vault, "other", "fs:/other", 3);
        other.backup(vault);
        assertEquals(3, state.backups().size(), "another remote's backups are its own");
        assertTrue(Files.exists(other.backups().getFirst()));
        assertEquals(List.of(), new LocalState(dirs, tmp.resolve("elsewhere.kv"), "team", "fs:/team", 3).backups());
    }
}
