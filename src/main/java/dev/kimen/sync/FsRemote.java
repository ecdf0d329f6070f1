package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PublicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A remote that is a shared directory. It holds only ciphertext and public keys: {@code vault.age}
 * (a bundle sealed to the team), {@code recipients.txt} (the team's age recipients), and, while
 * someone pushes, {@code lock}, created exclusively so two pushes cannot interleave; a crash can
 * leave it behind, and {@code sync unlock} removes it.
 */
public final class FsRemote {
    static final String VAULT = "vault.age";
    static final String RECIPIENTS = "recipients.txt";
    static final String LOCK = "lock";

    private final Path dir;

    public FsRemote(Path dir) {
        this.dir = dir;
    }

    /** What the remote holds now. {@code vaultAge} is null before the first push. */
    public record Snapshot(byte[] vaultAge, List<String> recipients, boolean locked) {
        /** The SHA-256 of {@code vault.age} in hex ("" when there is none): how a push sees that the remote moved. */
        public String sha256() {
            return vaultAge == null ? "" : Sync.sha256(vaultAge);
        }
    }

    public Snapshot read() {
        if (!Files.isDirectory(dir)) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "the remote directory " + dir + " does not exist",
                    "create it (shared with the team), or fix the remote: kimen remote set <name> <url>");
        }
        try {
            byte[] vault = Files.exists(dir.resolve(VAULT)) ? Files.readAllBytes(dir.resolve(VAULT)) : null;
            List<String> recipients = Files.exists(dir.resolve(RECIPIENTS))
                    ? Files.readAllLines(dir.resolve(RECIPIENTS)).stream().map(String::strip)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()
                    : List.of();
            return new Snapshot(vault, recipients, Files.exists(dir.resolve(LOCK)));
        } catch (IOException e) {
            throw KimenException.wrap(Reason.REMOTE_UNREACHABLE, "cannot read the remote " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Takes the push lock; refused when one is there (a push in progress, or one that crashed). */
    public void lock(String owner) {
        try {
            Files.writeString(Files.createFile(dir.resolve(LOCK)), owner + " " + Instant.now() + "\n",
                    StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw lockPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KimenException lockPresent() {
        return KimenException.of(Reason.REMOTE_LOCK_PRESENT, "the remote is locked: a push is running, or one crashed",
                "when no one is pushing, remove a stale lock with: kimen sync unlock --remote <name>");
    }

    /** Writes the team's vault and recipients (each file replaced atomically). Call with the lock held. */
    public void publish(byte[] vaultAge, List<String> recipients) {
        PublicFiles.write(dir.resolve(RECIPIENTS), (String.join("\n", recipients) + "\n").getBytes(StandardCharsets.UTF_8));
        PublicFiles.write(dir.resolve(VAULT), vaultAge);
    }

    /** Removes the lock; false when there was none. */
    public boolean unlock() {
        try {
            return Files.deleteIfExists(dir.resolve(LOCK));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
