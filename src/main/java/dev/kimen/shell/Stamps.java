package dev.kimen.shell;

import dev.kimen.crypto.Sha256;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Empty files whose mtime equals a watched file's, so the hook can tell "unchanged" with the
 * shell's own {@code -nt}/{@code -ot} tests (bash, zsh and fish all compare nanoseconds): no
 * {@code stat} process per prompt. A stamp is named by the file and the time it stands for, so it
 * never changes once made and shells share it safely; removing one only makes a shell read again.
 *
 * <p>A file changed in the last moments could change again within the same clock tick and keep
 * its mtime (git calls this "racy"). Such a file gets a stamp one millisecond older than itself,
 * which reads as "changed" at the next prompt, when kimen looks again.
 */
public final class Stamps {
    private static final int KEEP = 512;

    private final Path dir;

    public Stamps(Path dir) {
        this.dir = dir;
    }

    /** The stamp for {@code w}: a path, or "" for a file that did not exist (the shell reads "" as absent too). */
    public String stamp(Watch w) {
        if (w.mtime() == null) {
            return "";
        }
        Instant mtime = w.mtime().toInstant();
        Instant now = Instant.now();
        // Sub-millisecond digits mean a fine-grained file system: its tick is a few milliseconds
        Duration tick = mtime.getNano() % 1_000_000 != 0 ? Duration.ofMillis(50) : Duration.ofSeconds(2);
        // a time in the future (clock skew, an unpacked archive) is taken as it is: else every prompt would read again
        boolean racy = now.minus(tick).isBefore(mtime) && !now.plus(tick).isBefore(mtime);
        Instant time = racy ? mtime.minusMillis(1) : mtime;
        Path stamp = dir.resolve(Sha256.hex((w.path() + "\0" + time).getBytes(StandardCharsets.UTF_8)).substring(0, 40));
        try {
            if (!Files.exists(stamp)) {
                prune();
                PrivateFiles.createPrivateDirs(dir);
                try {
                    Files.createFile(stamp);
                } catch (FileAlreadyExistsException e) {
                    // another shell made it: same name, same time
                }
                Files.setLastModifiedTime(stamp, FileTime.from(time));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stamp.toString();
    }

    /** Stamps pile up, one per edit of a watched file: past {@value #KEEP}, all go (shells read once more). */
    private void prune() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        int n = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path ignored : all) {
                n++;
            }
        }
        if (n < KEEP) {
            return;
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
