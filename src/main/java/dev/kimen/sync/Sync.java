package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.bundle.Bundles;
import dev.kimen.config.UserDirs;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Team sync of one vault with one remote (issue 6, DESIGN §5). The baseline — the state both
 * sides last agreed on, with the SHA-256 of the remote {@code vault.age} it came from — is kept
 * locally as an age file sealed to this user's identity. Pull merges per name three ways
 * ({@link ThreeWayMerge}); push publishes only when the remote has not moved since the baseline.
 * Everything here reports names, never values.
 */
public final class Sync {
    /**
     * What one sync step did or found.
     *
     * @param local what changed locally since the baseline
     * @param remote what changed remotely since the baseline
     * @param backup the copy of the local vault taken before changing it, or null
     * @param published whether the remote was written
     * @param removed recipients a push sealed the vault without (they may keep what they had)
     * @param rotate when {@code removed} is not empty, the names they could read
     */
    public record Report(List<ThreeWayMerge.Change> local, List<ThreeWayMerge.Change> remote, List<String> conflicts,
                         boolean localChanged, Path backup, int recipients, boolean published, List<String> removed,
                         List<String> rotate) {
        static Report of(List<ThreeWayMerge.Change> local, List<ThreeWayMerge.Change> remote, List<String> conflicts,
                         boolean localChanged, Path backup, int recipients) {
            return new Report(local, remote, conflicts, localChanged, backup, recipients, false, List.of(), List.of());
        }
    }

    /** One precondition {@code sync preflight} checks. {@code reason} is what a failure means (null when it passed). */
    public record Check(String name, Status status, String detail, Reason reason) {
        public enum Status { PASS, FAIL, SKIPPED }
    }

    /**
     * The team's recipients as the remote has them, the changes waiting for the next push, and,
     * while a removal waits, the names the removed members could read (their credentials need rotating).
     */
    public record Members(List<String> current, List<String> adding, List<String> removing, List<String> rotate) {}

    private final VaultStore store;
    private final Remote remote;
    private final Transport transport;
    private final List<AgeIdentity> identities;
    private final Path stateDir;

    /** @param env the environment a git remote runs git with */
    public Sync(VaultStore store, Remote remote, List<AgeIdentity> identities, UserDirs dirs, Map<String, String> env) {
        this.store = store;
        this.remote = remote;
        this.identities = identities;
        String vaultId = vaultId(store.path());
        this.stateDir = dirs.kimenDataDir().resolve("sync").resolve(vaultId);
        this.transport = remote.url().kind().equals("fs") ? new FsRemote(remote.name(), Path.of(remote.url().location()))
                : new GitRemote(remote.name(), remote.url().location(),
                        dirs.kimenCacheDir().resolve("sync").resolve(vaultId).resolve(remote.name() + ".git"), env);
    }

    private Path baselineFile() {
        return stateDir.resolve(remote.name() + ".baseline.age");
    }

    private Path pendingFile() {
        return stateDir.resolve(remote.name() + ".recipients-pending");
    }

    private Path backupDir() {
        return stateDir.resolve("backups");
    }

    /** Sets up an empty remote: our vault, sealed to us and {@code others}, becomes the team's. */
    public Report init(List<String> others) {
        Transport.Snapshot now = transport.read();
        if (now.vaultAge() != null) {
            throw KimenException.of(Reason.REMOTE_EXISTS, "the remote " + remote.name() + " already holds a vault",
                    "join it instead: kimen sync pull --remote " + remote.name());
        }
        var recipients = new LinkedHashSet<String>();
        recipients.add(identities.getFirst().recipient());
        recipients.addAll(Bundles.recipients(others, List.of()));
        try (Vault local = store.open()) {
            publish(now, local, List.copyOf(recipients));
        }
        return new Report(List.of(), List.of(), List.of(), false, null, recipients.size(), true, List.of(), List.of());
    }

    /**
     * Publishes the local vault, sealed to the team with any pending member changes applied;
     * refused when the remote moved, is locked, or we never synced. With nothing to publish it
     * leaves the remote alone.
     */
    public Report push() {
        try (Baseline base = baseline(); Vault local = store.open()) {
            Transport.Snapshot now = transport.read();
            if (now.locked()) {
                throw lockPresent(remote.name());
            }
            if (!now.sha256().equals(base.remoteSha256())) {
                throw remoteChanged(remote.name(), "since the last sync");
            }
            Pending pending = pending();
            List<String> recipients = pending.applyTo(now.recipients());
            if (ThreeWayMerge.same(local.entries(), base.contents().entries()) && recipients.equals(now.recipients())) {
                deleteIfExists(pendingFile()); // whatever was pending is on the remote already
                return Report.of(List.of(), List.of(), List.of(), false, null, recipients.size());
            }
            var pushed = ThreeWayMerge.changes(base.contents().entries(), local.entries());
            publish(now, local, recipients);
            deleteIfExists(pendingFile());
            var removed = now.recipients().stream().filter(r -> !recipients.contains(r)).toList();
            return new Report(pushed, List.of(), List.of(), false, null, recipients.size(), true, removed,
                    removed.isEmpty() ? List.of() : base.contents().names());
        }
    }

    private void publish(Transport.Snapshot seen, Vault local, List<String> recipients) {
        byte[] sealed = Bundles.seal(local, recipients, false);
        transport.publish(seen, sealed, recipients, who());
        writeBaseline(local, sha256(sealed));
    }

    /**
     * Takes the remote's changes. Names changed differently on both sides stop it with
     * {@code sync_conflict}; when both sides changed different names, only {@code reconcile}
     * merges them (else {@code reconcile_required}). Either stop changes nothing. The first pull,
     * joining a team, merges against an empty baseline. A changed local vault is first copied to a
     * backup ({@code sync restore}).
     */
    public Report pull(boolean reconcile) {
        Transport.Snapshot now = readTeamVault();
        try (Baseline base = baselineOrEmpty(); Vault theirs = Bundles.open(now.vaultAge(), identities, new HashMap<>())) {
            Path[] backup = {null};
            ThreeWayMerge.Outcome outcome = store.update(local -> {
                var merge = ThreeWayMerge.merge(base.contents().entries(), local.entries(), theirs.entries());
                if (!merge.conflicts().isEmpty()) {
                    throw KimenException.of(Reason.SYNC_CONFLICT, names(merge.conflicts()) + " changed on both sides: "
                                    + String.join(", ", merge.conflicts()),
                            "nothing was changed; settle each with: kimen sync resolve <name> --take local|remote --remote "
                                    + remote.name());
                }
                if (!reconcile && merge.bothSidesMoved()) {
                    throw KimenException.of(Reason.RECONCILE_REQUIRED, "both sides changed since the last sync ("
                                    + merge.local().size() + " local, " + merge.remote().size() + " remote)",
                            "nothing was changed; merge them per name with: kimen sync pull --reconcile --remote "
                                    + remote.name());
                }
                if (merge.changesLocal(local.entries())) {
                    backup[0] = backup();
                    local.replaceAll(merge.merged());
                }
                return merge;
            });
            writeBaseline(theirs, now.sha256());
            return Report.of(outcome.local(), outcome.remote(), List.of(), backup[0] != null, backup[0],
                    now.recipients().size());
        }
    }

    /**
     * Settles one conflict. {@code local}: the baseline takes the remote's value for the name, so
     * the local value wins on the next sync. {@code remote}: the local vault takes the remote's value
     * (or loses the name, when the remote removed it), after a backup. The report's conflicts are
     * the ones left.
     */
    public Report resolve(String name, boolean takeLocal) {
        Transport.Snapshot now = transport.read();
        try (Baseline base = baselineOrEmpty(); Vault ours = store.open(); Vault theirs = openTeamVault(now)) {
            var conflicts = new ArrayList<>(
                    ThreeWayMerge.merge(base.contents().entries(), ours.entries(), theirs.entries()).conflicts());
            if (!conflicts.remove(name)) {
                throw KimenException.of(Reason.USAGE, name + " is not in conflict with " + remote.name(),
                        "list conflicts with: kimen sync conflicts --remote " + remote.name());
            }
            var theirValue = theirs.find(name);
            Path backup = null;
            if (takeLocal) {
                theirValue.ifPresentOrElse(v -> base.contents().put(name, v.copy()), () -> base.contents().remove(name));
                writeBaseline(base.contents(), base.remoteSha256());
            } else {
                backup = store.update(local -> {
                    Path saved = backup();
                    theirValue.ifPresentOrElse(v -> local.put(name, v.copy()), () -> local.remove(name));
                    return saved;
                });
            }
            return Report.of(List.of(), List.of(), conflicts, !takeLocal, backup, now.recipients().size());
        }
    }

    /**
     * What changed on each side since the baseline, and what would conflict; changes nothing.
     * Before the first sync everything counts as added on the side that has it.
     */
    public Report status() {
        Transport.Snapshot now = transport.read();
        try (Baseline base = baselineOrEmpty(); Vault local = store.open(); Vault theirs = openTeamVault(now)) {
            var merge = ThreeWayMerge.merge(base.contents().entries(), local.entries(), theirs.entries());
            return Report.of(merge.local(), merge.remote(), merge.conflicts(), false, null, now.recipients().size());
        }
    }

    /**
     * Every precondition of a safe sync, each checked as far as the others allow: the remote is
     * reachable and unlocked, we hold a readable baseline, we are among the recipients, and
     * nothing conflicts. Changes nothing.
     */
    public List<Check> preflight() {
        var checks = new ArrayList<Check>();
        Transport.Snapshot now = null;
        try {
            now = transport.read();
            checks.add(pass("remote_reachable", remote.url().text()));
        } catch (KimenException e) {
            checks.add(fail("remote_reachable", e.getMessage(), e.reason()));
        }
        Baseline base = null;
        try {
            base = baseline();
            checks.add(pass("baseline_present", "synced before"));
        } catch (KimenException e) {
            checks.add(fail("baseline_present", e.getMessage(), e.reason()));
        }
        try (Baseline b = base) {
            if (now == null) {
                Stream.of("remote_unlocked", "recipient", "no_conflicts")
                        .forEach(name -> checks.add(skipped(name, "the remote cannot be read")));
                return checks;
            }
            checks.add(now.locked() ? fail("remote_unlocked", lockPresent(remote.name()).getMessage(), Reason.REMOTE_LOCK_PRESENT)
                    : pass("remote_unlocked", "no push lock"));
            boolean member = isMember(now);
            checks.add(member ? pass("recipient", "one of " + now.recipients().size() + " recipients")
                    : fail("recipient", notMember(now).getMessage(), Reason.NOT_A_RECIPIENT));
            if (b == null || !member) {
                checks.add(skipped("no_conflicts", b == null ? "no baseline to compare with" : "cannot read the remote vault"));
                return checks;
            }
            try (Vault local = store.open(); Vault theirs = openTeamVault(now)) {
                var conflicts = ThreeWayMerge.merge(b.contents().entries(), local.entries(), theirs.entries()).conflicts();
                checks.add(conflicts.isEmpty() ? pass("no_conflicts", "no name changed on both sides")
                        : fail("no_conflicts", names(conflicts) + " changed on both sides: " + String.join(", ", conflicts),
                                Reason.SYNC_CONFLICT));
            } catch (KimenException e) {
                checks.add(fail("no_conflicts", e.getMessage(), e.reason())); // e.g. the local vault cannot be opened
            }
            return checks;
        }
    }

    /** The exit reason of a preflight: the first failed precondition, else a conflict, else null. */
    public static Reason failure(List<Check> checks) {
        var failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).map(Check::reason).toList();
        return failed.stream().filter(r -> r != Reason.SYNC_CONFLICT).findFirst()
                .orElse(failed.isEmpty() ? null : Reason.SYNC_CONFLICT);
    }

    private static Check pass(String name, String detail) {
        return new Check(name, Check.Status.PASS, detail, null);
    }

    private static Check fail(String name, String detail, Reason reason) {
        return new Check(name, Check.Status.FAIL, detail, reason);
    }

    private static Check skipped(String name, String detail) {
        return new Check(name, Check.Status.SKIPPED, detail, null);
    }

    /** Forgets the baseline: the next pull merges as a first join would. False when there was none. */
    public boolean resetBaseline() {
        return deleteIfExists(baselineFile());
    }

    /** Removes a stale lock; false when there was none. */
    public boolean unlock() {
        return transport.unlock(who());
    }

    /** The backups pulls (and restores) took of this vault for this remote, oldest first. */
    public List<Path> backups() {
        if (!Files.isDirectory(backupDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(backupDir())) {
            String prefix = remote.name() + "-";
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(".kv"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts the contents of {@code backup} (default: the newest) back into the vault, after backing
     * up what is there now, so a restore can itself be undone.
     *
     * @return {restored from, backup of the state replaced}
     */
    public Path[] restore(Path backup) {
        List<Path> all = backups();
        Path from = backup != null ? backup : all.isEmpty() ? null : all.getLast();
        if (from == null) {
            throw KimenException.of(Reason.USAGE, "there is no backup of this vault for " + remote.name(),
                    "a pull that changes the vault takes one first");
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(from);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_VAULT_FILE, "cannot read the backup " + from + ": " + e.getMessage(), e);
        }
        Path saved = store.update(local -> {
            try (Vault old = openBackup(from, raw)) {
                Path before = backup();
                local.replaceAll(old);
                return before;
            }
        });
        return new Path[] {from, saved};
    }

    private Vault openBackup(Path file, byte[] raw) {
        try {
            return store.openCopy(raw);
        } catch (KimenException e) {
            if (e.reason() != Reason.WRONG_PASSPHRASE) {
                throw e;
            }
            throw KimenException.of(Reason.WRONG_PASSPHRASE, "the backup " + file + " does not open with the vault's"
                            + " passphrase: it was written before a vault rekey",
                    "read it with its old passphrase: kimen secret list --vault " + file);
        }
    }

    /** Forgets everything kept locally for a remote that is removed: baseline, pending members, git cache. */
    public static void forget(UserDirs dirs, Path vault, String remote) {
        String vaultId = vaultId(vault);
        Path state = dirs.kimenDataDir().resolve("sync").resolve(vaultId);
        deleteIfExists(state.resolve(remote + ".baseline.age"));
        deleteIfExists(state.resolve(remote + ".recipients-pending"));
        Path cache = dirs.kimenCacheDir().resolve("sync").resolve(vaultId).resolve(remote + ".git");
        deleteIfExists(cache.resolveSibling(cache.getFileName() + ".lock"));
        if (Files.isDirectory(cache)) {
            try (Stream<Path> files = Files.walk(cache)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String vaultId(Path vault) {
        return sha256(vault.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** The team as the remote has it, plus the member changes waiting for the next push. */
    public Members members() {
        Transport.Snapshot now = transport.read();
        Pending pending = pending();
        List<String> rotate = List.of();
        if (!pending.removing().isEmpty() && now.vaultAge() != null && isMember(now)) {
            try (Vault theirs = openTeamVault(now)) {
                rotate = theirs.names();
            }
        }
        return new Members(now.recipients(), pending.adding(), pending.removing(), rotate);
    }

    /** Adds a member on the next push (cancels a pending removal of the same recipient). */
    public Members addMember(String recipient) {
        String r = Bundles.recipients(List.of(recipient), List.of()).getFirst();
        Transport.Snapshot now = transport.read();
        Pending p = pending();
        var adding = new ArrayList<>(p.adding());
        var removing = new ArrayList<>(p.removing());
        if (!removing.remove(r) && !now.recipients().contains(r) && !adding.contains(r)) {
            adding.add(r);
        }
        savePending(new Pending(adding, removing));
        return members();
    }

    /**
     * Removes a member on the next push (cancels a pending addition). Refuses to remove one of our
     * own recipients or the last one.
     */
    public Members removeMember(String recipient) {
        String r = recipient.strip();
        if (identities.stream().anyMatch(id -> id.recipient().equals(r))) {
            throw KimenException.of(Reason.USAGE, "that recipient is yours: you would lose access to the remote",
                    "another member can remove you");
        }
        Transport.Snapshot now = transport.read();
        Pending p = pending();
        var adding = new ArrayList<>(p.adding());
        var removing = new ArrayList<>(p.removing());
        if (!adding.remove(r)) {
            if (!now.recipients().contains(r)) {
                throw KimenException.of(Reason.USAGE, "that recipient is not a member of " + remote.name(),
                        "list them with: kimen sync recipients list --remote " + remote.name());
            }
            if (!removing.contains(r)) {
                removing.add(r);
            }
        }
        savePending(new Pending(adding, removing));
        return members();
    }

    /** Recipient changes waiting for the next push, kept next to the baseline. */
    private record Pending(List<String> adding, List<String> removing) {
        List<String> applyTo(List<String> current) {
            var out = new LinkedHashSet<>(current);
            out.addAll(adding);
            removing.forEach(out::remove);
            return List.copyOf(out);
        }
    }

    private Pending pending() {
        if (!Files.exists(pendingFile())) {
            return new Pending(List.of(), List.of());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(pendingFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (!line.matches("[+-]age1[0-9a-z]+")) {
                throw KimenException.of(Reason.INVALID_CONFIG, pendingFile() + ": not a pending member change: " + line,
                        "remove the file to drop every pending change: kimen sync recipients list shows what the"
                                + " remote has");
            }
        }
        return new Pending(lines.stream().filter(l -> l.startsWith("+")).map(l -> l.substring(1)).toList(),
                lines.stream().filter(l -> l.startsWith("-")).map(l -> l.substring(1)).toList());
    }

    private void savePending(Pending p) {
        if (p.adding().isEmpty() && p.removing().isEmpty()) {
            deleteIfExists(pendingFile());
            return;
        }
        var text = new StringBuilder();
        p.adding().forEach(r -> text.append('+').append(r).append('\n'));
        p.removing().forEach(r -> text.append('-').append(r).append('\n'));
        PrivateFiles.write(pendingFile(), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Transport.Snapshot readTeamVault() {
        Transport.Snapshot now = transport.read();
        if (now.vaultAge() == null) {
            throw KimenException.of(Reason.REMOTE_EMPTY, "the remote " + remote.name() + " holds no vault yet",
                    "set it up with: kimen sync init --remote " + remote.name());
        }
        if (!isMember(now)) {
            throw notMember(now);
        }
        return now;
    }

    private boolean isMember(Transport.Snapshot now) {
        return identities.stream().map(AgeIdentity::recipient).anyMatch(now.recipients()::contains);
    }

    private KimenException notMember(Transport.Snapshot now) {
        return KimenException.of(Reason.NOT_A_RECIPIENT, "your identity is not among the " + now.recipients().size()
                        + " recipients of " + remote.name(),
                "send your recipient (kimen bundle recipient <identity>) to a member, who runs: kimen sync recipients"
                        + " add <age1…> --remote " + remote.name() + " and pushes");
    }

    private Vault openTeamVault(Transport.Snapshot now) {
        return now.vaultAge() == null ? new Vault() : Bundles.open(now.vaultAge(), identities, new HashMap<>());
    }

    private record Baseline(Vault contents, String remoteSha256) implements AutoCloseable {
        @Override
        public void close() {
            contents.close();
        }
    }

    /** The baseline, or {@code no_local_baseline} when there is none for this remote's URL. */
    private Baseline baseline() {
        return storedBaseline().orElseThrow(() -> KimenException.of(Reason.NO_LOCAL_BASELINE,
                "this vault has never synced with " + remote.name() + " at " + remote.url().text(),
                "set the remote up with: kimen sync init --remote " + remote.name()
                        + " (or join it with: kimen sync pull --reconcile --remote " + remote.name() + ")"));
    }

    /** The baseline, or an empty one: a first join, where every name present on both sides is compared. */
    private Baseline baselineOrEmpty() {
        return storedBaseline().orElseGet(() -> new Baseline(new Vault(), ""));
    }

    /**
     * The stored baseline, if there is one for this remote as it is now: one made with another URL
     * (after {@code remote set}) describes another remote, and merging against it would delete.
     */
    private Optional<Baseline> storedBaseline() {
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
            throw KimenException.of(Reason.NO_LOCAL_BASELINE, "the baseline for " + remote.name()
                            + " cannot be read with this identity (or is damaged): " + e.getMessage(),
                    "use the identity you synced with, or start over with: kimen sync reset-baseline --remote "
                            + remote.name());
        }
        if (!extra.getOrDefault("remote_url", remote.url().text()).equals(remote.url().text())) {
            contents.close();
            return Optional.empty();
        }
        return Optional.of(new Baseline(contents, extra.getOrDefault("remote_sha256", "")));
    }

    private void writeBaseline(Vault contents, String remoteSha256) {
        byte[] sealed = Bundles.seal(contents, Map.of("remote_sha256", remoteSha256, "remote_url", remote.url().text()),
                List.of(identities.getFirst().recipient()), false);
        PrivateFiles.write(baselineFile(), sealed);
    }

    /** A copy of the local vault file as it is now, for {@code sync restore}; never replaces an older one. */
    private Path backup() {
        try {
            byte[] raw = Files.readAllBytes(store.path());
            for (long t = System.currentTimeMillis(); ; t++) {
                Path file = backupDir().resolve(remote.name() + "-" + t + ".kv");
                if (PrivateFiles.create(file, raw)) {
                    return file;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean deleteIfExists(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KimenException lockPresent(String remote) {
        return lockPresent(remote, "");
    }

    /** @param holder what the lock says about who took it, or "" */
    static KimenException lockPresent(String remote, String holder) {
        return KimenException.of(Reason.REMOTE_LOCK_PRESENT, "the remote " + remote
                        + " is locked" + (holder.isEmpty() ? "" : " (" + holder + ")") + ": a push is running, or one crashed",
                "when no one is pushing, remove a stale lock with: kimen sync unlock --remote " + remote);
    }

    static KimenException remoteChanged(String remote, String when) {
        return KimenException.of(Reason.REMOTE_CHANGED, "the remote " + remote + " changed " + when,
                "take the remote's changes first: kimen sync --remote " + remote + " (pull --reconcile, then push)");
    }

    private static String names(List<String> names) {
        return count(names.size(), "name");
    }

    /** "3 names" / "1 name". */
    public static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Who publishes, for the lock file or commit message: user@host, nothing secret. */
    private static String who() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "?") + "@" + host;
    }

    static String sha256(byte[] data) {
        return dev.kimen.crypto.Sha256.hex(data);
    }
}
