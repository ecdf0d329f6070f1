package dev.kimen.session;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.fs.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the session daemon listens (DESIGN §3): {@code $KIMEN_SESSION_DIR}, else
 * {@code $XDG_RUNTIME_DIR/kimen}, else the user cache dir. The directory is 0700 and ours; the
 * socket in it is 0600. Beside it, {@code daemon.lock} is held by the running daemon for its whole
 * life, so whoever holds it owns the socket path (a socket left by a dead daemon is replaced).
 *
 * @param source which rule chose {@code dir}, for {@code session status}
 */
public record SessionDir(Path dir, String source) {
    public static final String ENV = "KIMEN_SESSION_DIR";
    /**
     * {@code sun_path} holds 108 bytes on Linux, and the JDK keeps two of them back
     * ({@code MAX_UNIX_DOMAIN_PATH_LEN}): a 107-byte path fails to bind or connect with
     * "Unix domain path too long".
     */
    static final int MAX_SOCKET_PATH_BYTES = 106;

    public static SessionDir resolve(Map<String, String> env, UserDirs dirs) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isEmpty()) {
            Path dir = Path.of(explicit);
            if (!dir.isAbsolute()) {
                throw KimenException.of(Reason.INVALID_CONFIG, ENV + " must be an absolute path",
                        "e.g. export " + ENV + "=\"$XDG_RUNTIME_DIR/kimen\"");
            }
            return new SessionDir(dir.normalize(), ENV);
        }
        Path runtime = UserDirs.xdg(env, "XDG_RUNTIME_DIR", null);
        if (runtime != null) {
            return new SessionDir(runtime.resolve("kimen"), "XDG_RUNTIME_DIR");
        }
        return new SessionDir(dirs.kimenCacheDir(), "XDG_CACHE_HOME");
    }

    public Path socket() {
        return dir.resolve("session.sock");
    }

    Path lockFile() {
        return dir.resolve("daemon.lock");
    }

    /** Creates the directory (0700), or checks that an existing one is ours and closed to others. */
    public void prepare() {
        int length = socket().toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH_BYTES) {
            throw KimenException.of(Reason.INVALID_CONFIG, "the session socket path " + socket() + " is " + length
                            + " bytes; Unix sockets allow " + MAX_SOCKET_PATH_BYTES,
                    "point " + ENV + " at a shorter directory");
        }
        PrivateFiles.requirePrivateDir(dir);
    }
}
