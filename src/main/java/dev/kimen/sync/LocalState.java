package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.bundle.Bundles;
import dev.kimen.config.UserDirs;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.Vault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a member keeps locally for one remote of one vault, under
 * {@code $XDG_DATA_HOME/kimen/sync/<vault id>/}: the baseline (the contents both sides last agreed
 * on, sealed to the member's identity, with the SHA-256 of the {@code vault.age} it came from), the
 * pin (the team state last verified, {@link Pin}), the pending member changes, and the backups
 * pulls take before changing the vault (the newest {@code keepBackups}).
 */
final class LocalState {
    private final Path dir;
    private final String remote;
    private final String url;
    private final int keepBackups;

    /** The contents last agreed on, and the SHA-256 of the remote's {@code vault.age} they came from. */
    record Baseline(Vault contents, String remoteSha256) implements AutoCloseable {
        @Override
        public void close() {
            contents.close();
        }
    }

    LocalState(UserDirs dirs, Path vault, String remote, String url, int keepBackups) {
        this.dir = dirs.kimenDataDir().resolve("sync").resolve(vaultId(vault));
        this.remote = remote;
        this.url = url;
        this.keepBackups = keepBackups;
    }

    static String vaultId(Path vault) {
        return Sync.sha256(vault.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private Path baselineFile() {
        return dir.resolve(remote + ".baseline.age");
    }

    private Path pinFile() {
        return dir.resolve(remote + ".pin");
    }

    private Path pendingFile() {
        return dir.resolve(remote + ".recipients-pending");
    }

    Path backupDir() {
        return dir.resolve("backups");
    }

    /**
     * The stored baseline, if there is one for this remote's URL: one made with another URL
     * (after {@code remote set}) describes another remote, and merging against it would delete.
     */
    Optional<Baseline> baseline(List<AgeIdentity> identities) {
        if (!Files.exists(baselineFile())) {
            return Optional.empty();
        }
        var extra = new HashMap<String, String>();
        Vault contents;
        try {
            contents = Bundles.open(baselineFile(), identities, extra);
        } catch (KimenException e) {
            if (e.reason() != Reason.INVALID_BUNDLE) {
                throw e;
            }
            throw KimenException.of(Reason.NO_LOCAL_BASELINE, "the baseline for " + remote
                            + " cannot be read with this identity (or is damaged): " + e.getMessage(),
                    "use the identity you synced with, or start over with: kimen sync reset-baseline --remote " + remote);
        }
        if (!extra.getOrDefault("remote_url", url).equals(url)) {
            contents.close();
            return Optional.empty();
        }
        return Optional.of(new Baseline(contents, extra.getOrDefault("remote_sha256", "")));
    }

    void writeBaseline(Vault contents, String remoteSha256, String recipient) {
        byte[] sealed = Bundles.seal(contents, Map.of("remote_sha256", remoteSha256, "remote_url", url),
                List.of(recipient), false);
        PrivateFiles.write(baselineFile(), sealed);
    }

    boolean forgetBaseline() {
        return deleteIfExists(baselineFile());
    }

    /** The pinned team state for this remote's URL, or null. */
    Pin pin() {
        return Pin.read(pinFile(), url);
    }

    void writePin(TeamState team) {
        Pin.of(url, team).write(pinFile());
    }

    boolean forgetPin() {
        return deleteIfExists(pinFile());
    }

    PendingMembers pending() {
        return PendingMembers.read(pendingFile());
    }

    void savePending(PendingMembers pending) {
        pending.write(pendingFile());
    }

    /** The backups of this vault for this remote, oldest first. */
    List<Path> backups() {
        if (!Files.isDirectory(backupDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(backupDir())) {
            String prefix = remote + "-";
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(".kv"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of the vault file as it is now, for {@code sync restore}; never replaces an older one.
     * The oldest backups beyond the newest {@code keepBackups} are removed: each holds the values
     * of its day, and a rotated secret's old value should not stay on disk forever.
     */
    Path backup(Path vaultFile) {
        try {
            byte[] raw = Files.readAllBytes(vaultFile);
            for (long t = System.currentTimeMillis(); ; t++) {
                Path file = backupDir().resolve(remote + "-" + t + ".kv");
                if (PrivateFiles.create(file, raw)) {
                    var all = new ArrayList<>(backups());
                    while (all.size() > keepBackups && !all.getFirst().equals(file)) {
                        Files.deleteIfExists(all.removeFirst());
                    }
                    return file;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets everything kept locally for a remote that is removed: baseline, pin, pending members, git cache. */
    static void forget(UserDirs dirs, Path vault, String remote) {
        var state = new LocalState(dirs, vault, remote, null, 0);
        state.forgetBaseline();
        state.forgetPin();
        deleteIfExists(state.pendingFile());
        Path cache = gitCache(dirs, vault, remote);
        deleteIfExists(cache.resolveSibling(cache.getFileName() + ".lock"));
        if (Files.isDirectory(cache)) {
            try (Stream<Path> files = Files.walk(cache)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** kimen's private git repository for a git remote. */
    static Path gitCache(UserDirs dirs, Path vault, String remote) {
        return dirs.kimenCacheDir().resolve("sync").resolve(vaultId(vault)).resolve(remote + ".git");
    }

    static boolean deleteIfExists(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
