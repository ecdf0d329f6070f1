package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PublicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A remote that is a shared directory. A publish first creates {@code lock} exclusively, so two
 * pushes cannot interleave; a crash can leave it behind, and {@code sync unlock} removes it.
 */
public final class FsRemote implements Transport {
    private final String name;
    private final Path dir;

    public FsRemote(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    @Override
    public Snapshot read() {
        if (!Files.isDirectory(dir)) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "the remote directory " + dir + " does not exist",
                    "create it (shared with the team), or fix the remote: kimen remote set <name> <url>");
        }
        try {
            byte[] vault = Files.exists(dir.resolve(VAULT)) ? Files.readAllBytes(dir.resolve(VAULT)) : null;
            List<String> recipients = Files.exists(dir.resolve(RECIPIENTS))
                    ? Transport.recipientLines(Files.readString(dir.resolve(RECIPIENTS))) : List.of();
            return new Snapshot(vault, recipients, Files.exists(dir.resolve(LOCK)), null);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.REMOTE_UNREACHABLE, "cannot read the remote " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(Snapshot seen, byte[] vaultAge, List<String> recipients, String who) {
        try {
            Files.writeString(Files.createFile(dir.resolve(LOCK)), who + " " + Instant.now() + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw Sync.lockPresent(name, lockHolder());
        } catch (IOException e) {
            throw KimenException.wrap(Reason.REMOTE_UNREACHABLE, "cannot lock the remote " + dir + ": " + e.getMessage(), e);
        }
        try {
            if (!read().sha256().equals(seen.sha256())) {
                throw Sync.remoteChanged(name, "while pushing");
            }
            PublicFiles.write(dir.resolve(RECIPIENTS), Transport.recipientsFile(recipients));
            PublicFiles.write(dir.resolve(VAULT), vaultAge);
        } finally {
            try {
                unlock(who);
            } catch (UncheckedIOException e) {
                // the lock stays; sync unlock removes it, and the publish's own outcome matters more
            }
        }
    }

    /** Who holds the lock and since when, as its file says (user@host time). */
    private String lockHolder() {
        try {
            return "held by " + Files.readString(dir.resolve(LOCK), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    @Override
    public boolean unlock(String who) {
        try {
            return Files.deleteIfExists(dir.resolve(LOCK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
