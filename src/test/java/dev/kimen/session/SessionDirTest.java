package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the daemon listens (DESIGN §3): {@code $KIMEN_SESSION_DIR}, {@code $XDG_RUNTIME_DIR/kimen}, the cache dir. */
class SessionDirTest {
    static SessionDir resolve(Map<String, String> env) {
        return SessionDir.resolve(env, UserDirs.from(env));
    }

    static Map<String, String> env(String... pairs) {
        var env = new HashMap<String, String>();
        env.put("HOME", "/home/u");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** A directory under {@code parent} whose socket path is exactly {@code bytes} long. */
    static Path dirWithSocketOf(Path parent, int bytes) {
        int nameLength = bytes - parent.toString().length() - "/".length() - "/session.sock".length();
        Path dir = parent.resolve("d".repeat(nameLength));
        assertEquals(bytes, new SessionDir(dir, "test").socket().toString().getBytes(StandardCharsets.UTF_8).length);
        return dir;
    }

    @Test
    void explicitDirComesFirst() {
        var where = resolve(env(SessionDir.ENV, "/s/./x/../kimen", "XDG_RUNTIME_DIR", "/run/user/1",
                "XDG_CACHE_HOME", "/c"));
        assertEquals(new SessionDir(Path.of("/s/kimen"), SessionDir.ENV), where);
        assertEquals(Path.of("/s/kimen/session.sock"), where.socket());
    }

    @Test
    void thenTheRuntimeDir() {
        assertEquals(new SessionDir(Path.of("/run/user/1/kimen"), "XDG_RUNTIME_DIR"),
                resolve(env("XDG_RUNTIME_DIR", "/run/user/1", "XDG_CACHE_HOME", "/c")));
        assertEquals(new SessionDir(Path.of("/run/user/1/kimen"), "XDG_RUNTIME_DIR"),
                resolve(env(SessionDir.ENV, "", "XDG_RUNTIME_DIR", "/run/user/1")));
    }

    @Test
    void thenTheCacheDir() {
        assertEquals(new SessionDir(Path.of("/c/kimen"), "XDG_CACHE_HOME"), resolve(env("XDG_CACHE_HOME", "/c")));
        assertEquals(Path.of("/home/u/.cache/kimen"), resolve(env()).dir());
    }

    @Test
    void relativeExplicitDirIsInvalidConfig() {
        for (String relative : new String[] {"kimen", "./kimen", "~/kimen"}) {
            var e = assertThrows(KimenException.class,
                    () -> resolve(env(SessionDir.ENV, relative, "XDG_RUNTIME_DIR", "/run/user/1")), relative);
            assertEquals(Reason.INVALID_CONFIG, e.reason(), relative);
            assertTrue(e.getMessage().contains(SessionDir.ENV), e.getMessage());
        }
    }

    @Test
    void relativeRuntimeDirIsIgnored() {
        assertEquals(new SessionDir(Path.of("/c/kimen"), "XDG_CACHE_HOME"),
                resolve(env("XDG_RUNTIME_DIR", "run/user/1", "XDG_CACHE_HOME", "/c")));
    }

    @Test
    void prepareCreatesThePrivateDir(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("a/kimen");
        new SessionDir(dir, "test").prepare();
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(dir));
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(dir.getParent()));
        new SessionDir(dir, "test").prepare(); // an existing private dir is fine
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(dir));
    }

    @Test
    void prepareRefusesAnOpenDirAndLeavesItAsItIs(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("kimen"));
        var open = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(dir, open);
        var e = assertThrows(KimenException.class, () -> new SessionDir(dir, "test").prepare());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
        assertEquals(open, Files.getPosixFilePermissions(dir));
    }

    @Test
    void prepareRefusesASymlinkedDir(@TempDir Path tmp) throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"), PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        var e = assertThrows(KimenException.class, () -> new SessionDir(link, "test").prepare());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
    }

    @Test
    void aSocketPathTooLongIsRefusedBeforeAnythingIsCreated(@TempDir Path tmp) {
        Path parent = tmp.resolve("p");
        Path dir = dirWithSocketOf(parent, SessionDir.MAX_SOCKET_PATH_BYTES + 1);
        var e = assertThrows(KimenException.class, () -> new SessionDir(dir, "test").prepare());
        assertEquals(Reason.INVALID_CONFIG, e.reason());
        assertTrue(e.hint().contains(SessionDir.ENV), e.hint());
        assertFalse(Files.exists(parent));

        Path longest = dirWithSocketOf(parent, SessionDir.MAX_SOCKET_PATH_BYTES);
        new SessionDir(longest, "test").prepare();
        assertTrue(Files.isDirectory(longest));
    }

    @Test
    void theLimitIsTheOneTheJdkBindsTo(@TempDir Path tmp) throws IOException {
        Path fits = tmp.resolve("s".repeat(SessionDir.MAX_SOCKET_PATH_BYTES - tmp.toString().length() - 1));
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(fits));
        }
        Path tooLong = tmp.resolve("t".repeat(SessionDir.MAX_SOCKET_PATH_BYTES - tmp.toString().length()));
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertThrows(SocketException.class, () -> server.bind(UnixDomainSocketAddress.of(tooLong)));
        }
    }
}
