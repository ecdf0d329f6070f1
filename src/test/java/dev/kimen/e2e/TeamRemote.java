package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A team's remote as seen from outside kimen: by a member's tests, and by someone who can write to
 * it without being a member (a shared directory anyone can write; a git repository with a careless
 * collaborator list), who reads and replaces its files directly.
 */
interface TeamRemote {
    /** A shared directory, or a bare repository driven by the real git, under {@code scratch}. */
    static TeamRemote of(boolean git, Path scratch) {
        try {
            return git ? new GitRepo(scratch.resolve("remote.git"), scratch)
                    : new DirRemote(Files.createDirectories(scratch.resolve("remote")), scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url();

    /** Leaves a lock behind, as a crashed push would (or an operator freezing the remote). */
    void plantLock() throws IOException;

    /** Every byte the remote holds, decompressed where it is stored compressed. */
    String everything() throws IOException;

    /** One of the team's files as the remote holds it now, or null. */
    byte[] read(String file);

    /** Replaces (or, with null, removes) one of the team's files, as a writer of the remote can. */
    void write(String file, byte[] content);

    /** A handle on the remote's state now, for {@link #rollBack}. */
    String save();

    /** Puts back a state {@link #save} took (a git remote: a forced push of that commit). */
    void rollBack(String saved);

    record DirRemote(Path dir, Path scratch) implements TeamRemote {
        @Override
        public String url() {
            return dir.toString();
        }

        @Override
        public void plantLock() throws IOException {
            Files.writeString(dir.resolve("lock"), "crashed push\n");
        }

        @Override
        public String everything() throws IOException {
            var all = new StringBuilder();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    all.append(Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
            return all.toString();
        }

        @Override
        public byte[] read(String file) {
            try {
                return Files.exists(dir.resolve(file)) ? Files.readAllBytes(dir.resolve(file)) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(String file, byte[] content) {
            put(dir, file, content);
        }

        @Override
        public String save() {
            try {
                Path copy = Files.createTempDirectory(scratch, "saved");
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.copy(f, copy.resolve(f.getFileName()));
                    }
                }
                return copy.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void rollBack(String saved) {
            try (Stream<Path> now = Files.list(dir); Stream<Path> then = Files.list(Path.of(saved))) {
                for (Path f : now.toList()) {
                    Files.delete(f);
                }
                for (Path f : then.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A bare repository driven by the real git, with a private HOME so no user config applies. */
    record GitRepo(Path bare, Path scratch) implements TeamRemote {
        public GitRepo {
            git(scratch, "init", "--quiet", "--bare", "--initial-branch=main", bare.toString());
        }

        @Override
        public String url() {
            return "git+file://" + bare;
        }

        @Override
        public void plantLock() {
            write("lock", "frozen by an operator\n".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String everything() {
            return objects(bare);
        }

        @Override
        public byte[] read(String file) {
            var p = run(scratch, false, "--git-dir=" + bare, "cat-file", "blob", "main:" + file);
            return p.exit == 0 ? p.out : null;
        }

        /** Commits the change from a fresh clone of main and pushes it, as any collaborator can. */
        @Override
        public void write(String file, byte[] content) {
            Path clone = operatorClone();
            put(clone, file, content);
            git(clone, "add", "-A");
            git(clone, "-c", "user.name=op", "-c", "user.email=op@example.org", "commit", "--quiet", "--allow-empty",
                    "-m", "change " + file);
            git(clone, "push", "--quiet", "origin", "main");
        }

        @Override
        public String save() {
            return git(scratch, "--git-dir=" + bare, "rev-parse", "main").strip();
        }

        @Override
        public void rollBack(String saved) {
            git(operatorClone(), "push", "--quiet", "--force", "origin", saved + ":refs/heads/main");
        }

        private Path operatorClone() {
            try {
                Path clone = Files.createTempDirectory(scratch, "op-clone");
                Files.delete(clone);
                git(scratch, "clone", "--quiet", "--branch", "main", bare.toString(), clone.toString());
                return clone;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every object of every git repository under {@code dir}, decompressed. */
        static String objectsUnder(Path dir) throws IOException {
            var all = new StringBuilder();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path objects : paths.filter(p -> p.getFileName().toString().equals("objects")).toList()) {
                    all.append(objects(objects.getParent()));
                }
            }
            return all.toString();
        }

        private static String objects(Path gitDir) {
            return git(gitDir.getParent(), "--git-dir=" + gitDir, "cat-file", "--batch-all-objects", "--batch");
        }

        static String git(Path dir, String... args) {
            var p = run(dir, true, args);
            assertEquals(0, p.exit, () -> "git " + args[0] + " failed:\n" + new String(p.out, StandardCharsets.UTF_8));
            return new String(p.out, StandardCharsets.ISO_8859_1);
        }

        private record Ran(int exit, byte[] out) {}

        /** Runs git; {@code withErrors}: its stderr goes with stdout (for the message of a failure). */
        private static Ran run(Path dir, boolean withErrors, String... args) {
            var argv = new ArrayList<String>(List.of("git"));
            argv.addAll(List.of(args));
            try {
                var pb = new ProcessBuilder(argv).directory(dir.toFile());
                if (withErrors) {
                    pb.redirectErrorStream(true);
                } else {
                    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
                }
                pb.environment().put("HOME", dir.toString());
                pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
                Process p = pb.start();
                byte[] out = p.getInputStream().readAllBytes();
                return new Ran(p.waitFor(), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Writes {@code content} to {@code dir/file}, or deletes the file when it is null. */
    private static void put(Path dir, String file, byte[] content) {
        try {
            if (content == null) {
                Files.deleteIfExists(dir.resolve(file));
            } else {
                Files.write(dir.resolve(file), content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
