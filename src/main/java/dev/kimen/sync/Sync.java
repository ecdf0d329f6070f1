package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.bundle.Bundles;
import dev.kimen.config.UserDirs;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Team sync of one vault with one directory remote (issue 6, DESIGN §5). The baseline — the state
 * both sides last agreed on, with the SHA-256 of the remote {@code vault.age} it came from — is
 * kept locally as an age file sealed to this user's identity. Pull merges per key three ways
 * ({@link ThreeWayMerge}); push publishes only when the remote has not moved since the baseline.
 */
public final class Sync {
    /** What one sync step did: names only, never values. */
    public record Report(List<ThreeWayMerge.Change> local, List<ThreeWayMerge.Change> remote, List<String> conflicts,
                         boolean localChanged, Path backup, int recipients) {}

    private final VaultStore store;
    private final Remote remote;
    private final FsRemote fs;
    private final List<AgeIdentity> identities;
    private final Path stateDir;

    public Sync(VaultStore store, Remote remote, List<AgeIdentity> identities, UserDirs dirs) {
        if (!remote.url().kind().equals("fs")) {
            throw KimenException.of(Reason.USAGE, "sync over git remotes is not built yet; " + remote.name()
                    + " is " + remote.url().text(), "use a shared directory remote for now");
        }
        this.store = store;
        this.remote = remote;
        this.fs = new FsRemote(Path.of(remote.url().location()));
        this.identities = identities;
        this.stateDir = dirs.kimenDataDir().resolve("sync").resolve(sha256(store.path().toString()).substring(0, 16));
    }

    private Path baselineFile() {
        return stateDir.resolve(remote.name() + ".baseline.age");
    }

    /** Sets up an empty remote: our vault, sealed to us and {@code others}, becomes the team's. */
    public Report init(List<String> others) {
        FsRemote.Snapshot now = fs.read();
        if (now.vaultAge() != null) {
            throw KimenException.of(Reason.REMOTE_EXISTS, "the remote " + remote.name() + " already holds a vault",
                    "join it instead: kimen sync pull --remote " + remote.name());
        }
        var recipients = new LinkedHashSet<String>();
        recipients.add(identities.getFirst().recipient());
        recipients.addAll(Bundles.recipients(others, List.of()));
        return publish(List.copyOf(recipients), "");
    }

    /** Publishes the local vault; refused when the remote moved, is locked, or we never synced. */
    public Report push() {
        try (Baseline base = baseline()) {
            FsRemote.Snapshot now = fs.read();
            if (now.locked()) {
                throw FsRemote.lockPresent();
            }
            if (!now.sha256().equals(base.remoteSha256())) {
                throw KimenException.of(Reason.REMOTE_CHANGED, "the remote " + remote.name() + " changed since the last sync",
                        "pull first: kimen sync pull --remote " + remote.name());
            }
            return publish(now.recipients(), base.remoteSha256());
        }
    }

    /** Publishes under the lock, after checking the remote still is the one {@code expectedSha} names. */
    private Report publish(List<String> recipients, String expectedSha) {
        fs.lock(System.getProperty("user.name", "?") + "@" + hostname());
        try (Vault local = store.open()) {
            if (!fs.read().sha256().equals(expectedSha)) {
                throw KimenException.of(Reason.REMOTE_CHANGED, "the remote " + remote.name() + " changed while pushing",
                        "pull first: kimen sync pull --remote " + remote.name());
            }
            byte[] sealed = Bundles.seal(local, recipients, false);
            fs.publish(sealed, recipients);
            writeBaseline(local, sha256(sealed));
            return new Report(List.of(), List.of(), List.of(), false, null, recipients.size());
        } finally {
            fs.unlock();
        }
    }

    /**
     * Merges the remote into the local vault (the first pull, joining a team, merges against an
     * empty baseline). A name changed differently on both sides stops the
     * pull with {@code sync_conflict} and changes nothing; otherwise a changed local vault is first
     * copied to a backup ({@code sync restore}).
     */
    public Report pull() {
        FsRemote.Snapshot now = fs.read();
        if (now.vaultAge() == null) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "the remote " + remote.name() + " holds no vault yet",
                    "set it up with: kimen sync init --remote " + remote.name());
        }
        try (Baseline base = Files.exists(baselineFile()) ? baseline() : new Baseline(new Vault(), "");
             Vault theirs = Bundles.open(now.vaultAge(), identities, new HashMap<>())) {
            Path[] backup = {null};
            ThreeWayMerge.Outcome outcome = store.update(local -> {
                var merge = ThreeWayMerge.merge(base.contents().entries(), local.entries(), theirs.entries());
                if (!merge.conflicts().isEmpty()) {
                    throw KimenException.of(Reason.SYNC_CONFLICT, merge.conflicts().size() + " name"
                                    + (merge.conflicts().size() == 1 ? "" : "s") + " changed on both sides: "
                                    + String.join(", ", merge.conflicts()),
                            "nothing was changed; settle each with: kimen sync resolve <name> --take local|remote");
                }
                if (merge.changesLocal(local.entries())) {
                    backup[0] = backup();
                    var merged = new java.util.TreeMap<String, SecretBytes>();
                    merge.merged().forEach((name, value) -> merged.put(name, SecretBytes.adopt(value.reveal())));
                    List.copyOf(local.names()).forEach(local::remove);
                    merged.forEach(local::put);
                }
                return merge;
            });
            writeBaseline(theirs, now.sha256());
            return new Report(outcome.local(), outcome.remote(), List.of(), backup[0] != null, backup[0],
                    now.recipients().size());
        }
    }

    /**
     * Settles one conflict. {@code local}: the baseline takes the remote's value for the name, so
     * the local value wins on the next push. {@code remote}: the local vault takes the remote's value
     * (or loses the name, when the remote removed it).
     */
    public Report resolve(String name, boolean takeLocal) {
        FsRemote.Snapshot now = fs.read();
        try (Baseline base = baseline(); Vault ours = store.open(); Vault theirs = now.vaultAge() == null
                ? new Vault() : Bundles.open(now.vaultAge(), identities, new HashMap<>())) {
            var conflicts = ThreeWayMerge.merge(base.contents().entries(), ours.entries(), theirs.entries()).conflicts();
            if (!conflicts.contains(name)) {
                throw KimenException.of(Reason.USAGE, name + " is not in conflict with " + remote.name(),
                        "list conflicts with: kimen sync status --remote " + remote.name());
            }
            var theirValue = theirs.find(name);
            if (takeLocal) {
                theirValue.ifPresentOrElse(v -> base.contents().put(name, SecretBytes.adopt(v.reveal())),
                        () -> base.contents().remove(name));
                writeBaseline(base.contents(), base.remoteSha256());
            } else {
                store.update(local -> {
                    theirValue.ifPresentOrElse(v -> local.put(name, SecretBytes.adopt(v.reveal())), () -> local.remove(name));
                    return null;
                });
            }
            return new Report(List.of(), List.of(), List.of(name), !takeLocal, null, now.recipients().size());
        }
    }

    /** What changed on each side since the baseline, and what would conflict; changes nothing. */
    public Report status() {
        FsRemote.Snapshot now = fs.read();
        try (Baseline base = baseline(); Vault local = store.open();
             Vault theirs = now.vaultAge() == null ? new Vault() : Bundles.open(now.vaultAge(), identities, new HashMap<>())) {
            var merge = ThreeWayMerge.merge(base.contents().entries(), local.entries(), theirs.entries());
            return new Report(merge.local(), merge.remote(), merge.conflicts(), false, null, now.recipients().size());
        }
    }

    /** Removes a stale push lock; false when there was none. */
    public boolean unlock() {
        return fs.unlock();
    }

    private record Baseline(Vault contents, String remoteSha256) implements AutoCloseable {
        @Override
        public void close() {
            contents.close();
        }
    }

    private Baseline baseline() {
        if (!Files.exists(baselineFile())) {
            throw KimenException.of(Reason.NO_LOCAL_BASELINE, "this vault has never synced with " + remote.name(),
                    "set the remote up with: kimen sync init --remote " + remote.name()
                            + " (or join it with: kimen sync pull)");
        }
        var extra = new HashMap<String, String>();
        Vault contents = Bundles.open(baselineFile(), identities, extra);
        return new Baseline(contents, extra.getOrDefault("remote_sha256", ""));
    }

    private void writeBaseline(Vault contents, String remoteSha256) {
        byte[] sealed = Bundles.seal(contents, Map.of("remote_sha256", remoteSha256),
                List.of(identities.getFirst().recipient()), false);
        PrivateFiles.write(baselineFile(), sealed);
    }

    /** A copy of the local vault file as it is now, for {@code sync restore}. */
    private Path backup() {
        Path file = stateDir.resolve("backups").resolve(remote.name() + "-" + Instant.now().toEpochMilli() + ".kv");
        try {
            PrivateFiles.write(file, Files.readAllBytes(store.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
