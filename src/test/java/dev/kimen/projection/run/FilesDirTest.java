package dev.kimen.projection.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesDirTest {
    @Test
    void freshDirIsPrivateOnTheRuntimeDirAndGoesAway(@TempDir Path runtime) throws Exception {
        Path written;
        Path dir;
        try (var files = FilesDir.fresh(Map.of("XDG_RUNTIME_DIR", runtime.toString()))) {
            dir = files.path();
            assertTrue(dir.startsWith(runtime.toRealPath()));
            assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(dir));
            written = files.write("a/b/c.json", SecretBytes.ofUtf8("{}"));
            assertEquals(PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(written));
            assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(dir.resolve("a")));
            assertEquals("{}", Files.readString(written));
            Files.writeString(dir.resolve("child-made"), "x");
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void chosenDirKeepsWhatWasThereAndLosesWhatKimenWrote(@TempDir Path tmp) throws Exception {
        Path chosen = Files.createDirectories(tmp.resolve("chosen"));
        Files.setPosixFilePermissions(chosen, PrivateFiles.DIR_MODE);
        Files.writeString(chosen.resolve("mine.txt"), "user file");
        try (var files = FilesDir.at(chosen)) {
            files.write("sub/secret", SecretBytes.ofUtf8("s"));
            var e = assertThrows(KimenException.class, () -> files.write("mine.txt", SecretBytes.ofUtf8("s")));
            assertEquals(Reason.UNSAFE_PATH, e.reason());
        }
        assertEquals("user file", Files.readString(chosen.resolve("mine.txt")));
        assertFalse(Files.exists(chosen.resolve("sub")));
    }

    @Test
    void symlinksAndEscapesAreRefused(@TempDir Path tmp) throws Exception {
        Path chosen = Files.createDirectories(tmp.resolve("chosen"));
        Files.setPosixFilePermissions(chosen, PrivateFiles.DIR_MODE);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(chosen.resolve("link"), outside);
        try (var files = FilesDir.at(chosen)) {
            for (String bad : new String[] {"link/x", "../outside/x", "link"}) {
                var e = assertThrows(KimenException.class, () -> files.write(bad, SecretBytes.ofUtf8("s")), bad);
                assertEquals(Reason.UNSAFE_PATH, e.reason(), bad);
            }
        }
        try (var list = Files.list(outside)) {
            assertEquals(0, list.count());
        }
    }

    @Test
    void aChosenDirOthersCanEnterIsRefused(@TempDir Path tmp) throws Exception {
        Path open = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var e = assertThrows(KimenException.class, () -> FilesDir.at(open));
        assertEquals(Reason.UNSAFE_PATH, e.reason());
        assertTrue(e.hint().contains("chmod 700"), e.hint());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), open);
        assertEquals(Reason.UNSAFE_PATH, assertThrows(KimenException.class, () -> FilesDir.at(link)).reason());
    }
}
