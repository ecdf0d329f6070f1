package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.crypto.Sha256;
import dev.kimen.mima.MimaFile;
import dev.kimen.mima.ProjectConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project's {@code .mima.yaml} as read once: where it is, its bytes, what it says, and the
 * digest trust is keyed on. The digest covers the file's path, its content and the content of
 * every file it names ({@code dotenv} files; with {@code use_flake}, flake.lock and flake.nix),
 * so editing any of them blocks the project until it is allowed again.
 *
 * @param file the path the project was found at (the shell's, not resolved)
 * @param real where trust is recorded: {@link #trustPath}
 * @param config null when the file is not a valid project config ({@link #problem} says why)
 * @param watches the files whose change means reading again: the config and the dotenv files
 * @param dotenv the dotenv files that exist, with the content that was hashed, in order
 * @param skipped why a file the config names was not read (not a regular file, too large)
 * @param flakeKey with {@code use_flake}, the hash of flake.lock and flake.nix as they were hashed
 */
public record ProjectFile(Path file, Path real, ProjectConfig config, KimenException problem, String digest,
        List<Watch> watches, Map<Path, byte[]> dotenv, List<String> skipped, String flakeKey) {

    /** The nearest project config at or above {@code dir}; {@code ~/.mima.yaml} is the user's own file, never a project's. */
    public static Optional<Path> nearest(Path dir, Path home) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path f = d.resolve(ProjectConfig.FILE_NAME);
            if (Files.isRegularFile(f) && !isUserFile(f, home)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code f} is {@code ~/.mima.yaml}, however either path is spelt (a symlinked HOME). */
    public static boolean isUserFile(Path f, Path home) {
        Path user = MimaFile.userFile(home);
        if (f.toAbsolutePath().normalize().equals(user.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.isSameFile(f, user);
        } catch (IOException e) {
            return false; // one of them does not exist
        }
    }

    /**
     * {@code path} as the user named it (a project config, or a directory, whose config may not
     * exist), or with none the nearest config at or above {@code cwd}, if there is one.
     */
    public static Optional<Path> find(String path, Path cwd, UserDirs dirs) {
        if (path == null) {
            return nearest(cwd, dirs.home());
        }
        Path p = cwd.resolve(path).toAbsolutePath().normalize();
        return Optional.of(Files.isDirectory(p) ? p.resolve(ProjectConfig.FILE_NAME) : p);
    }

    /**
     * {@code path} as the user named it: a project config, a directory holding one, or (null) the
     * nearest one above {@code cwd}; CONFIG_NOT_FOUND when there is none.
     */
    public static Path locate(String path, Path cwd, UserDirs dirs) {
        return find(path, cwd, dirs).orElseThrow(() -> KimenException.of(Reason.CONFIG_NOT_FOUND,
                "no " + ProjectConfig.FILE_NAME + " in " + cwd + " or above it",
                "a project's " + ProjectConfig.FILE_NAME + " declares its groups and env; see the README's \"Shell hook\""));
    }

    /**
     * The path trust is recorded for: the project's directory with symlinks resolved, and the
     * file's name. A {@code .mima.yaml} that links to a config shared by several projects is
     * allowed once per project, as its dotenv and path_add entries are the project's own.
     */
    public static Path trustPath(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        return abs.getParent().toRealPath().resolve(abs.getFileName());
    }

    /** Reads {@code file}; CONFIG_NOT_FOUND when it is not there, INVALID_CONFIG when it cannot be read. */
    public static ProjectFile read(Path file) {
        var watches = new ArrayList<Watch>();
        var dotenvs = new LinkedHashMap<Path, byte[]>();
        var skipped = new ArrayList<String>();
        watches.add(Watch.of(file));
        Path real;
        byte[] content;
        try {
            real = trustPath(file);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.CONFIG_NOT_FOUND, "no file " + file);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot read " + file + ": " + e.getMessage(), e);
        }
        content = readIfPresent(file);
        if (content == null) {
            throw KimenException.of(Reason.CONFIG_NOT_FOUND, "no file " + file);
        }
        ProjectConfig config = null;
        KimenException problem = null;
        try {
            // relative entries start in the real directory, the one trust is recorded for
            config = ProjectConfig.parse(real, content);
        } catch (KimenException e) {
            problem = e;
        }
        MessageDigest digest = Sha256.digest();
        field(digest, "kimen-trust-v1".getBytes(StandardCharsets.US_ASCII));
        field(digest, real.toString().getBytes(StandardCharsets.UTF_8));
        field(digest, content);
        String flakeKey = null;
        if (config != null) {
            for (Path dotenv : config.dotenvFiles()) {
                byte[] bytes = named(dotenv, watches, digest, skipped);
                if (bytes != null) {
                    dotenvs.put(dotenv, bytes);
                }
            }
            if (config.useFlake()) {
                // the flake decides what is exported, so it falls under the same trust
                MessageDigest key = Sha256.digest();
                field(key, config.dir().toString().getBytes(StandardCharsets.UTF_8));
                for (String name : List.of("flake.lock", "flake.nix")) {
                    byte[] bytes = named(config.dir().resolve(name), watches, digest, skipped);
                    field(key, bytes == null ? new byte[0] : bytes);
                }
                flakeKey = HexFormat.of().formatHex(key.digest());
            }
        }
        return new ProjectFile(file, real, config, problem, HexFormat.of().formatHex(digest.digest()),
                List.copyOf(watches), Collections.unmodifiableMap(dotenvs), List.copyOf(skipped), flakeKey);
    }

    /**
     * A file the config names, watched and hashed: its bytes, or null when it is absent or cannot
     * be read (then {@code skipped} says why, and the digest records which of the two).
     */
    private static byte[] named(Path p, List<Watch> watches, MessageDigest digest, List<String> skipped) {
        watches.add(Watch.of(p));
        field(digest, p.toString().getBytes(StandardCharsets.UTF_8));
        byte[] bytes;
        try {
            bytes = readIfPresent(p);
        } catch (KimenException e) {
            skipped.add(e.getMessage());
            field(digest, new byte[] {2});
            return null;
        }
        field(digest, bytes == null ? new byte[] {0} : new byte[] {1});
        if (bytes != null) {
            field(digest, bytes);
        }
        return bytes;
    }

    /** The config, or the reason it is not a valid one. */
    public ProjectConfig requireConfig() {
        if (problem != null) {
            throw problem;
        }
        return config;
    }

    /** Files the hook reads are small text; anything else (a FIFO, a device, a huge file) is not read at all. */
    private static final long MAX_SIZE = 1 << 20;

    /**
     * The bytes of {@code p}; null when there is no such file; INVALID_CONFIG when it is not a
     * regular file of at most 1 MiB (a cloned repository must not make the prompt read /dev/tty).
     */
    static byte[] readIfPresent(Path p) {
        try {
            if (!Files.exists(p)) {
                return null;
            }
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_SIZE) {
                throw KimenException.of(Reason.INVALID_CONFIG, p + " is not a regular file of at most 1 MiB; not read");
            }
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** A length-prefixed field: no two different sequences of fields hash the same bytes. */
    static void field(MessageDigest digest, byte[] data) {
        digest.update(java.nio.ByteBuffer.allocate(8).putLong(data.length).array());
        digest.update(data);
    }
}
