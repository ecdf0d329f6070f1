package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.fs.PublicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A remote that is a shared directory. A publish first creates {@code lock} exclusively (recording
 * who and since when), so two pushes cannot interleave; a crash can leave it behind, and
 * {@code sync unlock} removes it. Under the lock it sweeps the temp files a killed push left, then
 * replaces {@code vault.age}, {@code recipients.txt} and, last, {@code sync.log}, each atomically.
 * It reads only regular files (never through a symbolic link, a FIFO or a device someone put
 * there) and only up to {@link Transport#limit}.
 */
public final class FsRemote implements Transport {
    private final String name;
    private final Path dir;

    public FsRemote(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** A bare git repository (HEAD, objects/, refs/): a remote meant for git, not for files. */
    public static boolean isBareGitRepository(Path dir) {
        return Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))
                && Files.isDirectory(dir.resolve("refs"));
    }

    @Override
    public Snapshot read() {
        if (!Files.isDirectory(dir)) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "the remote directory " + dir + " does not exist",
                    "create it (shared with the team), or fix the remote: kimen remote set <name> <url>");
        }
        if (isBareGitRepository(dir)) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "the remote " + name + " is a directory, but " + dir
                            + " is a bare git repository",
                    "sync with it through git: kimen remote set " + name + " git+file://" + dir);
        }
        try {
            byte[] lock = readFile(LOCK);
            byte[] vault = readFile(VAULT);
            byte[] log = readFile(LOG);
            byte[] recipients = readFile(RECIPIENTS);
            return new Snapshot(vault, log, recipients == null ? List.of()
                    : Transport.recipientLines(new String(recipients, StandardCharsets.UTF_8)),
                    Transport.lockText(lock), null);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.REMOTE_UNREACHABLE, "cannot read the remote " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One of the remote's files, or null when there is none; anything but a regular file within its limit is refused. */
    private byte[] readFile(String file) throws IOException {
        Path path = dir.resolve(file);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        long limit = Transport.limit(file);
        if (!attrs.isRegularFile()) {
            throw TeamState.untrusted(name, "its " + file + " is not a regular file (a link, FIFO, device or directory)");
        }
        String tooLarge = "its " + file + " is larger than " + (limit >> 20) + " MiB";
        if (attrs.size() > limit) {
            throw TeamState.untrusted(name, tooLarge);
        }
        // NOFOLLOW_LINKS again: the name may have become a link since it was looked at; and the
        // limit holds on what is read, as the file may have grown since.
        byte[] bytes;
        try (SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            bytes = Channels.newInputStream(ch).readNBytes((int) limit + 1);
        }
        if (bytes.length > limit) {
            throw TeamState.untrusted(name, tooLarge);
        }
        return bytes;
    }

    @Override
    public List<String> publish(Snapshot seen, Publication files, String who) {
        try {
            Files.writeString(Files.createFile(dir.resolve(LOCK)), who + " since "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw lockPresent(read().lock());
        } catch (IOException e) {
            throw KimenException.wrap(Reason.REMOTE_UNREACHABLE, "cannot lock the remote " + dir + ": " + e.getMessage(), e);
        }
        try {
            if (!read().sameAs(seen)) {
                throw Sync.remoteChanged(name, "while pushing");
            }
            for (String file : List.of(VAULT, RECIPIENTS, LOG)) {
                PrivateFiles.sweepTemps(dir.resolve(file)); // what a push killed before its rename left
            }
            PublicFiles.write(dir.resolve(VAULT), files.vaultAge());
            PublicFiles.write(dir.resolve(RECIPIENTS), Transport.recipientsFile(files.recipients()));
            PublicFiles.write(dir.resolve(LOG), files.log()); // last: a reader trusts nothing the log does not sign
            return List.of();
        } finally {
            try {
                unlock(who);
            } catch (UncheckedIOException e) {
                // the lock stays; sync unlock removes it, and the publish's own outcome matters more
            }
        }
    }

    /** Who took the lock and since when, as its file says. */
    @Override
    public KimenException lockPresent(String lock) {
        return KimenException.of(Reason.REMOTE_LOCK_PRESENT, "the remote " + name + " is locked"
                        + (lock == null || lock.isEmpty() ? "" : " by " + lock) + ": a push is running, or one stopped"
                        + " half-way",
                "when no one is pushing, remove a stale lock with: kimen sync unlock --remote " + name);
    }

    @Override
    public boolean unlock(String who) {
        try {
            return Files.deleteIfExists(dir.resolve(LOCK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean atomic() {
        return false;
    }
}
