package dev.kimen.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kimen writes only regular files: every writer refuses a FIFO, device, socket or directory that
 * someone put at the path, with unsafe_path, and leaves it as it was (issue 22). The device is a
 * node of the test's own (mknod, as root only), never the system's /dev/null.
 */
class SpecialFilesTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    /** Makes {@code kind} at {@code path}; false when this user cannot (a device needs root). */
    private static boolean make(String kind, Path path) throws Exception {
        switch (kind) {
            case "fifo" -> run("mkfifo", path.toString());
            case "device" -> {
                if (!"root".equals(System.getProperty("user.name"))) {
                    return false;
                }
                run("mknod", path.toString(), "c", "1", "3"); // what /dev/null is, but ours
            }
            case "socket" -> {
                var server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(path));
                server.close(); // the socket file stays
            }
            default -> Files.createDirectory(path);
        }
        return true;
    }

    private static void run(String... command) throws Exception {
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), String.join(" ", command));
    }

    private static String kindOf(Path p) throws Exception {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "file"
                : String.valueOf(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "socket", "directory"})
    void everyWriterRefusesASpecialFileAndLeavesIt(String kind) throws Exception {
        Path target = tmp.resolve("out");
        org.junit.jupiter.api.Assumptions.assumeTrue(make(kind, target), "needs root");
        String before = kindOf(target);
        byte[] data = "A='tok'\n".getBytes(StandardCharsets.UTF_8);
        List<Consumer<Path>> writers = List.of(p -> PrivateFiles.write(p, data), p -> PublicFiles.write(p, data),
                PrivateFiles::requireWritable);
        for (Consumer<Path> writer : writers) {
            var e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(KimenException.class, () -> writer.accept(target)), "no hang on a FIFO");
            assertEquals(Reason.UNSAFE_PATH, e.reason());
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
            assertEquals(before, kindOf(target), "left as it was");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(target), left.toList(), "no temp file left");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "link"})
    void aLockOrLogIsNeverOpenedThroughASpecialFileOrALink(String kind) throws Exception {
        Path lock = tmp.resolve("vault.kv.lock");
        Path marker = tmp.resolve("marker");
        if (kind.equals("fifo")) {
            make("fifo", lock);
        } else {
            Files.createSymbolicLink(lock, marker); // a lock opened through it would create the marker
        }
        var e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(KimenException.class, () -> FileLock.acquire(tmp.resolve("vault.kv"))));
        assertEquals(Reason.UNSAFE_PATH, e.reason());
        assertTrue(Files.notExists(marker));
    }

    @org.junit.jupiter.api.Test
    void aRegularFileOrALinkIsReplacedNotWrittenThrough() throws Exception {
        Path target = tmp.resolve("out");
        Files.writeString(target, "old");
        PrivateFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(target));
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "keep");
        Files.delete(target);
        Files.createSymbolicLink(target, elsewhere);
        PrivateFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("keep".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(elsewhere), "the link is replaced");
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
    }
}
