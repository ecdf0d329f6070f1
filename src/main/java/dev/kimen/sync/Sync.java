package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import dev.kimen.bundle.Bundles;
import dev.kimen.config.UserDirs;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Team sync of one vault with one remote (issue 6, DESIGN §5), with a remote that is not trusted
 * (docs/sync-format.md): it can lose or withhold data, but not read it, forge it, roll it back or
 * change who is in the team without a member's key. Every read verifies {@code sync.log} from the
 * state this member last agreed to ({@link Pin}); every push is a new statement signed by a
 * member, sealed to the verified members only. Pull merges per name three ways against the
 * baseline ({@link ThreeWayMerge}); push publishes only when the remote has not moved since it.
 * Everything here reports names, never values.
 */
public final class Sync {
    /**
     * What one sync step did or found.
     *
     * @param local what changed locally since the baseline
     * @param remote what changed remotely since the baseline
     * @param backup the copy of the local vault taken before changing it, or null
     * @param team the team's verified state after the step (null for an empty remote)
     * @param published whether the remote was written
     * @param removed members a push sealed the vault without (they may keep what they had)
     * @param rotate when {@code removed} is not empty, the names they could read
     * @param notes things the user should know (e.g. a repository whose default branch hides the team's)
     */
    public record Report(List<ThreeWayMerge.Change> local, List<ThreeWayMerge.Change> remote, List<String> conflicts,
                         boolean localChanged, Path backup, TeamState team, boolean published, List<Member> removed,
                         List<String> rotate, List<String> notes) {
        static Report of(List<ThreeWayMerge.Change> local, List<ThreeWayMerge.Change> remote, List<String> conflicts,
                         boolean localChanged, Path backup, TeamState team) {
            return new Report(local, remote, conflicts, localChanged, backup, team, false, List.of(), List.of(), List.of());
        }

        public int recipients() {
            return team == null ? 0 : team.membership().members().size();
        }
    }

    /** One precondition {@code sync preflight} checks. {@code reason} is what a failure means (null when it passed). */
    public record Check(String name, Status status, String detail, Reason reason) {
        public enum Status { PASS, FAIL, SKIPPED }
    }

    /**
     * The team as the remote's verified log has it (null for an empty remote), the changes waiting
     * for the next push, and, while a removal waits, the names the removed members could read
     * (their credentials need rotating).
     */
    public record Members(TeamState team, List<Member> adding, List<Member> removing, List<String> rotate) {}

    /** How a member decides, at a terminal, to trust a team seen for the first time. */
    @FunctionalInterface
    public interface Confirmation {
        boolean trust(TeamState team);
    }

    /** The remote's files and the team state its log signs (null for an empty remote). */
    private record Verified(Transport.Snapshot files, TeamState team) {}

    private final VaultStore store;
    private final Remote remote;
    private final Transport transport;
    private final List<AgeIdentity> identities;
    private final LocalState local;

    /**
     * @param identities the member's age identities (empty for the steps that need none: restore)
     * @param env the environment a git remote runs git with
     * @param keepBackups how many backups of the vault to keep for this remote
     */
    public Sync(VaultStore store, Remote remote, List<AgeIdentity> identities, UserDirs dirs, Map<String, String> env,
                int keepBackups) {
        this.store = store;
        this.remote = remote;
        this.identities = identities;
        this.local = new LocalState(dirs, store.path(), remote.name(), remote.url().text(), keepBackups);
        this.transport = remote.url().kind().equals("fs") ? new FsRemote(remote.name(), Path.of(remote.url().location()))
                : new GitRemote(remote.name(), remote.url().location(), LocalState.gitCache(dirs, store.path(),
                        remote.name()), env);
    }

    /** Sets up an empty remote: our vault, sealed to us ({@code label}) and the other members, as the team's first state. */
    public Report init(List<String> memberKeys, String label) {
        Transport.Snapshot now = transport.read();
        if (now.vaultAge() != null || now.log() != null) {
            throw KimenException.of(Reason.REMOTE_EXISTS, "the remote " + remote.name() + " already holds a vault",
                    "join it instead, with the fingerprint a member gives you: kimen sync pull --expect SHA256:… --remote "
                            + remote.name());
        }
        try (SigningKey key = SigningKey.of(identities.getFirst()); Vault mine = store.open()) {
            return published(List.of(), publish(now, null, mine, firstMembers(key, label, memberKeys), key), List.of(),
                    List.of());
        }
    }

    /** A team's first members: us, labelled {@code label}, and the members {@code memberKeys} name. */
    private static Membership firstMembers(SigningKey key, String label, List<String> memberKeys) {
        var members = new ArrayList<Member>();
        members.add(key.member(label));
        memberKeys.forEach(k -> members.add(Member.parse(k)));
        return new Membership(members);
    }

    /**
     * Signs a remote kimen made before pushes were signed: its contents as this member last synced
     * them (the baseline must match it: only the member who synced last can vouch for it), sealed to
     * us ({@code label}) and the other members, as a new team's first state. Recipients of the old
     * {@code recipients.txt} without a member key are left out (the report lists them).
     */
    public Report upgrade(List<String> memberKeys, String label) {
        Transport.Snapshot now = transport.read();
        if (now.log() != null) {
            throw KimenException.of(Reason.USAGE, "the remote " + remote.name() + " is signed already",
                    "kimen sync recipients list --remote " + remote.name() + " shows its members");
        }
        if (now.vaultAge() == null) {
            throw remoteEmpty();
        }
        try (LocalState.Baseline base = baseline(); SigningKey key = SigningKey.of(identities.getFirst())) {
            if (!base.remoteSha256().equals(sha256(now.vaultAge()))) {
                throw KimenException.of(Reason.REMOTE_CHANGED, "the remote " + remote.name() + " changed since your"
                                + " last sync, so you cannot vouch for what it holds",
                        "the member who synced with it last can upgrade it (their baseline matches)");
            }
            if (now.locked()) {
                throw transport.lockPresent(now.lock());
            }
            Membership team = firstMembers(key, label, memberKeys);
            List<String> dropped = now.recipients().stream().filter(r -> team.byRecipient(r).isEmpty()).toList();
            Published done = publish(now, null, base.contents(), team, key);
            var notes = new ArrayList<>(done.notes());
            if (!dropped.isEmpty()) {
                notes.add(dev.kimen.text.Counts.of(dropped.size(), "recipient") + " of the unsigned remote had no member key and can no"
                        + " longer open it: " + String.join(", ", dropped) + "; add each back with their member key"
                        + " (kimen sync whoami)");
            }
            return published(List.of(), new Published(done.team(), List.copyOf(notes)), List.of(), List.of());
        }
    }

    /**
     * Publishes the local vault as a new state signed by us, sealed to the verified members with
     * any pending changes applied; refused when the remote moved, is locked, failed verification,
     * or we never synced. With nothing to publish it leaves the remote alone.
     */
    public Report push() {
        try (LocalState.Baseline base = baseline(); Vault mine = store.open()) {
            // The remote's vault.age is not read: a push replaces it, and its signed hash is all the
            // baseline is compared with (so a push cut off half-way on a shared directory can be redone).
            Verified now = read(false);
            TeamState team = trusted(now);
            if (now.files().locked()) {
                throw transport.lockPresent(now.files().lock());
            }
            if (!team.signs(base.remoteSha256())) {
                throw remoteChanged(remote.name(), "since the last sync");
            }
            try (SigningKey key = memberKey(team)) {
                Membership next = local.pending().applyTo(team.membership());
                boolean membersChanged = !next.sha256().equals(team.membership().sha256());
                // A vault.age someone replaced is published again, signed, even with nothing new.
                if (!membersChanged && ThreeWayMerge.same(mine.entries(), base.contents().entries()) && vaultSigned(now)) {
                    local.savePending(PendingMembers.NONE); // whatever was pending is on the remote already
                    return Report.of(List.of(), List.of(), List.of(), false, null, team);
                }
                var pushed = ThreeWayMerge.changes(base.contents().entries(), mine.entries());
                Published done = publish(now.files(), team, mine, next, key);
                local.savePending(PendingMembers.NONE);
                var removed = team.membership().members().stream()
                        .filter(m -> next.byRecipient(m.recipient()).isEmpty()).toList();
                return published(pushed, done, removed, removed.isEmpty() ? List.of() : base.contents().names());
            }
        }
    }

    private record Published(TeamState team, List<String> notes) {}

    private static Report published(List<ThreeWayMerge.Change> pushed, Published done, List<Member> removed,
                                    List<String> rotate) {
        return new Report(pushed, List.of(), List.of(), false, null, done.team(), true, removed, rotate, done.notes());
    }

    /** Seals {@code contents} to {@code members}, signs the state that follows {@code previous} (null: a team's first) and publishes both. */
    private Published publish(Transport.Snapshot seen, TeamState previous, Vault contents, Membership members,
                              SigningKey key) {
        byte[] sealed = Bundles.seal(contents, members.recipients(), false);
        boolean listMembers = previous == null || !previous.membership().sha256().equals(members.sha256());
        Statement next = Statement.sign(previous == null ? 1 : previous.head().seq() + 1,
                previous == null ? null : previous.head().sha256(), sha256(sealed), members, listMembers, key,
                Instant.now());
        byte[] log = previous == null ? next.bytes() : concat(seen.log(), next.bytes());
        List<String> notes = transport.publish(seen, new Transport.Publication(sealed, log, members.recipients()), who());
        var team = new TeamState(next, members, true);
        local.writePin(team);
        local.writeBaseline(contents, sha256(sealed), identities.getFirst().recipient());
        return new Published(team, notes);
    }

    /**
     * Takes the remote's changes. A team seen for the first time is trusted only when its
     * fingerprint is {@code expect} or {@code ask} says so (else {@code membership_unconfirmed});
     * {@code expect} given for a team already trusted must match too. Names changed differently on
     * both sides stop it with {@code sync_conflict}; when both sides changed different names, only
     * {@code reconcile} merges them (else {@code reconcile_required}). Either stop changes nothing.
     * The first pull, joining a team, merges against an empty baseline. A changed local vault is
     * first copied to a backup ({@code sync restore}).
     */
    public Report pull(boolean reconcile, String expect, Confirmation ask) {
        Verified now = read(true);
        if (now.team() == null) {
            throw remoteEmpty();
        }
        requireMember(now.team());
        confirm(now.team(), expect, ask);
        try (LocalState.Baseline base = baselineOrEmpty(); Vault theirs = openTeamVault(now)) {
            Path[] backup = {null};
            ThreeWayMerge.Outcome outcome = store.update(mine -> {
                var merge = ThreeWayMerge.merge(base.contents().entries(), mine.entries(), theirs.entries());
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
                if (merge.changesLocal(mine.entries())) {
                    backup[0] = local.backup(store.path());
                    mine.replaceAll(merge.merged());
                }
                return merge;
            });
            local.writeBaseline(theirs, sha256(now.files().vaultAge()), identities.getFirst().recipient());
            return Report.of(outcome.local(), outcome.remote(), List.of(), backup[0] != null, backup[0], now.team());
        }
    }

    /**
     * Settles one conflict. {@code local}: the baseline takes the remote's value for the name, so
     * the local value wins on the next sync. {@code remote}: the local vault takes the remote's value
     * (or loses the name, when the remote removed it), after a backup. The report's conflicts are
     * the ones left.
     */
    public Report resolve(String name, boolean takeLocal) {
        Verified now = read(true);
        trusted(now);
        try (LocalState.Baseline base = baselineOrEmpty(); Vault ours = store.open(); Vault theirs = openTeamVault(now)) {
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
                local.writeBaseline(base.contents(), base.remoteSha256(), identities.getFirst().recipient());
            } else {
                backup = store.update(mine -> {
                    Path saved = local.backup(store.path());
                    theirValue.ifPresentOrElse(v -> mine.put(name, v.copy()), () -> mine.remove(name));
                    return saved;
                });
            }
            return Report.of(List.of(), List.of(), conflicts, !takeLocal, backup, now.team());
        }
    }

    /**
     * What changed on each side since the baseline, and what would conflict; changes nothing.
     * Before the first sync everything counts as added on the side that has it.
     */
    public Report status() {
        Verified now = read(true);
        if (now.team() != null) {
            trusted(now);
        }
        try (LocalState.Baseline base = baselineOrEmpty(); Vault mine = store.open(); Vault theirs = openTeamVault(now)) {
            var merge = ThreeWayMerge.merge(base.contents().entries(), mine.entries(), theirs.entries());
            return Report.of(merge.local(), merge.remote(), merge.conflicts(), false, null, now.team());
        }
    }

    /**
     * Every precondition of a safe sync, each checked as far as the others allow: the remote is
     * reachable, we hold a readable baseline, the remote verifies (its log, its vault, a team we
     * confirmed), it is unlocked, we are among its members, and nothing conflicts. Changes nothing.
     */
    public List<Check> preflight() {
        var checks = new ArrayList<Check>();
        Verified now = null;
        KimenException unverified = null;
        try {
            now = read(true);
            checks.add(pass("remote_reachable", remote.url().text()));
        } catch (KimenException e) {
            if (e.reason() == Reason.REMOTE_UNREACHABLE) {
                checks.add(fail("remote_reachable", e.getMessage(), e.reason()));
            } else {
                checks.add(pass("remote_reachable", remote.url().text()));
                unverified = e;
            }
        }
        LocalState.Baseline base = null;
        try {
            base = baseline();
            checks.add(pass("baseline_present", "synced before"));
        } catch (KimenException e) {
            checks.add(fail("baseline_present", e.getMessage(), e.reason()));
        }
        try (LocalState.Baseline b = base) {
            if (now == null) {
                String why = unverified == null ? "the remote cannot be read" : "the remote failed verification";
                checks.add(unverified == null ? skipped("remote_verified", why)
                        : fail("remote_verified", unverified.getMessage(), unverified.reason()));
                Stream.of("remote_unlocked", "recipient", "no_conflicts").forEach(name -> checks.add(skipped(name, why)));
                return checks;
            }
            TeamState team = now.team();
            checks.add(team == null ? fail("remote_verified", remoteEmpty().getMessage(), Reason.REMOTE_EMPTY)
                    : !team.pinned() ? fail("remote_verified", unconfirmed(team).getMessage(), Reason.MEMBERSHIP_UNCONFIRMED)
                    : pass("remote_verified", "state " + team.head().seq() + " signed by " + signerLabel(team)
                            + "; members " + team.membership().fingerprint()));
            checks.add(now.files().locked()
                    ? fail("remote_unlocked", transport.lockPresent(now.files().lock()).getMessage(), Reason.REMOTE_LOCK_PRESENT)
                    : pass("remote_unlocked", "no push lock"));
            boolean member = team != null && isMember(team);
            checks.add(member ? pass("recipient", "one of " + dev.kimen.text.Counts.of(team.membership().members().size(), "member"))
                    : fail("recipient", team == null ? remoteEmpty().getMessage() : notMember(team).getMessage(),
                            team == null ? Reason.REMOTE_EMPTY : Reason.NOT_A_RECIPIENT));
            if (b == null || !member || !team.pinned()) {
                checks.add(skipped("no_conflicts", b == null ? "no baseline to compare with"
                        : !member ? "cannot read the remote vault" : "the team is not confirmed yet"));
                return checks;
            }
            try (Vault mine = store.open(); Vault theirs = openTeamVault(now)) {
                var conflicts = ThreeWayMerge.merge(b.contents().entries(), mine.entries(), theirs.entries()).conflicts();
                checks.add(conflicts.isEmpty() ? pass("no_conflicts", "no name changed on both sides")
                        : fail("no_conflicts", names(conflicts) + " changed on both sides: " + String.join(", ", conflicts),
                                Reason.SYNC_CONFLICT));
            } catch (KimenException e) {
                checks.add(fail(e.reason() == Reason.REMOTE_UNTRUSTED ? "remote_verified" : "no_conflicts",
                        e.getMessage(), e.reason())); // e.g. the local vault cannot be opened
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

    /**
     * Forgets the baseline: the next pull merges as a first join would. With {@code forgetTeam}
     * also the pinned team state: the next pull asks to confirm the team again. False when there
     * was nothing to forget.
     */
    public boolean resetBaseline(boolean forgetTeam) {
        boolean baseline = local.forgetBaseline();
        return (forgetTeam && local.forgetPin()) || baseline;
    }

    /** Removes a stale lock; false when there was none. */
    public boolean unlock() {
        return transport.unlock(who());
    }

    /** The backups pulls (and restores) took of this vault for this remote, oldest first. */
    public List<Path> backups() {
        return local.backups();
    }

    /**
     * Puts the contents of {@code backup} (default: the newest) back into the vault, after backing
     * up what is there now, so a restore can itself be undone. Needs no identity.
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
        Path saved = store.update(mine -> {
            try (Vault old = openBackup(from, raw)) {
                Path before = local.backup(store.path());
                mine.replaceAll(old);
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

    /** Forgets everything kept locally for a remote that is removed: baseline, pin, pending members, git cache. */
    public static void forget(UserDirs dirs, Path vault, String remote) {
        LocalState.forget(dirs, vault, remote);
    }

    /** The team as the remote's verified log has it, confirmed or not, with the member changes waiting for the next push. */
    public Members members() {
        return members(read(false));
    }

    private Members members(Verified now) {
        PendingMembers pending = local.pending();
        List<String> rotate = List.of();
        TeamState team = now.team();
        if (!pending.removing().isEmpty() && team != null && team.pinned() && isMember(team) && vaultSigned(now)) {
            try (Vault theirs = openTeamVault(now)) {
                rotate = theirs.names();
            }
        }
        return new Members(team, pending.adding(), pending.removing(), rotate);
    }

    /** Adds a member on the next push (cancels a pending removal of the same member); {@code label} overrides the key's. */
    public Members addMember(String memberKey, String label) {
        Member m = Member.parse(memberKey);
        Member member = label == null ? m : m.withLabel(label);
        Verified now = read(false);
        TeamState team = trusted(now);
        PendingMembers p = local.pending();
        var adding = new ArrayList<>(p.adding().stream().filter(a -> !a.recipient().equals(member.recipient())).toList());
        var removing = new ArrayList<>(p.removing());
        boolean cancelled = removing.removeIf(r -> r.recipient().equals(member.recipient()));
        var existing = team.membership().byRecipient(member.recipient());
        if (existing.isPresent() && !existing.get().equals(member)) {
            throw KimenException.of(Reason.USAGE, "that recipient is a member already, as " + existing.get().label()
                            + " with " + existing.get().shortSigningKey(),
                    "to change their label or key, remove them first: kimen sync recipients rm " + existing.get().label());
        }
        if (existing.isEmpty() && !cancelled) {
            adding.add(member);
        }
        var next = new PendingMembers(List.copyOf(adding), List.copyOf(removing));
        next.applyTo(team.membership()); // a usage error when labels or keys clash
        local.savePending(next);
        return members(now);
    }

    /**
     * Removes a member (a label, recipient or member key) on the next push, or cancels a pending
     * addition. Refuses to remove one of our own identities.
     */
    public Members removeMember(String who) {
        Verified now = read(false);
        TeamState team = trusted(now);
        PendingMembers p = local.pending();
        var adding = new ArrayList<>(p.adding());
        var removing = new ArrayList<>(p.removing());
        String w = who.strip();
        if (!adding.removeIf(m -> m.label().equals(w) || m.recipient().equals(w) || m.key().equals(w))) {
            Member m = team.membership().find(w).orElseThrow(() -> KimenException.of(Reason.USAGE,
                    "no member of " + remote.name() + " is " + dev.kimen.text.OneLine.of(w),
                    "list them with: kimen sync recipients list --remote " + remote.name()));
            if (identities.stream().anyMatch(id -> id.recipient().equals(m.recipient()))) {
                throw KimenException.of(Reason.USAGE, "that member is you: you would lose access to the remote",
                        "another member can remove you");
            }
            if (!removing.contains(m)) {
                removing.add(m);
            }
        }
        local.savePending(new PendingMembers(List.copyOf(adding), List.copyOf(removing)));
        return members(now);
    }

    /**
     * Reads the remote and verifies it: its log from our pin (or its first state), and, when
     * {@code needVault}, that {@code vault.age} is the one the newest state signs. A shared
     * directory is replaced file by file, so a failure there is read again while the remote moves
     * (a push in progress), and a remote that stays locked and unverified is reported as locked.
     */
    private Verified read(boolean needVault) {
        Transport.Snapshot now = transport.read();
        for (int attempt = 1; ; attempt++) {
            try {
                return new Verified(now, verify(now, needVault));
            } catch (KimenException e) {
                if (e.reason() != Reason.REMOTE_UNTRUSTED || transport.atomic()) {
                    throw e;
                }
                if (attempt == 5) {
                    throw now.locked() ? transport.lockPresent(now.lock()) : e;
                }
                pause();
                Transport.Snapshot again = transport.read();
                if (again.sameAs(now) && !again.locked()) {
                    throw e; // nothing moved: what failed stays failed
                }
                now = again;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "interrupted while reading the remote");
        }
    }

    private TeamState verify(Transport.Snapshot now, boolean needVault) {
        Pin pin = local.pin();
        if (now.log() == null) {
            if (pin != null) {
                throw TeamState.untrusted(remote.name(), (now.vaultAge() == null ? "it is empty"
                        : "its " + Transport.LOG + " is missing") + ", but you last agreed on its state " + pin.seq()
                        + ": its files were removed or replaced");
            }
            if (now.vaultAge() != null) {
                throw KimenException.of(Reason.REMOTE_UNTRUSTED, "the remote " + remote.name() + " is not signed (it"
                                + " has no " + Transport.LOG + "): a kimen from before signed sync set it up",
                        "the member who synced with it last signs it with: kimen sync upgrade --remote " + remote.name()
                                + " --member <each other member's key>");
            }
            return null;
        }
        TeamState team = TeamState.verify(Statement.parseLog(now.log(), remote.name()), pin, remote.name());
        if (pin != null && team.head().seq() > pin.seq()) {
            local.writePin(team); // from now on, a rollback to anything before this state is refused
        }
        if (needVault && !vaultSigned(new Verified(now, team))) {
            throw TeamState.untrusted(remote.name(), "its " + Transport.VAULT + (now.vaultAge() == null ? " is missing"
                    : " is not the one state " + team.head().seq() + " signs: it was replaced or damaged"));
        }
        return team;
    }

    private static boolean vaultSigned(Verified now) {
        return now.files().vaultAge() != null && now.team().signs(sha256(now.files().vaultAge()));
    }

    /** The team of a remote that holds one we trust and are a member of. */
    private TeamState trusted(Verified now) {
        if (now.team() == null) {
            throw remoteEmpty();
        }
        requireMember(now.team());
        if (!now.team().pinned()) {
            throw unconfirmed(now.team());
        }
        return now.team();
    }

    /**
     * Trusts a team: with {@code expect}, only when it is the team's fingerprint; else a team already
     * pinned, or one {@code ask} accepts. A team trusted for the first time is pinned.
     */
    private void confirm(TeamState team, String expect, Confirmation ask) {
        String fingerprint = team.membership().fingerprint();
        if (expect != null && !expect.strip().equals(fingerprint)) {
            throw KimenException.of(Reason.REMOTE_UNTRUSTED, "the members of " + remote.name() + " have the"
                            + " fingerprint " + fingerprint + ", not the " + dev.kimen.text.OneLine.of(expect.strip())
                            + " you expected",
                    "nothing was changed; ask a member you trust which members the team has now (kimen sync"
                            + " recipients list)");
        }
        if (team.pinned()) {
            return;
        }
        if (expect == null && (ask == null || !ask.trust(team))) {
            throw unconfirmed(team);
        }
        local.writePin(team);
    }

    private boolean isMember(TeamState team) {
        return identities.stream().map(AgeIdentity::recipient).anyMatch(r -> team.membership().byRecipient(r).isPresent());
    }

    private void requireMember(TeamState team) {
        if (!isMember(team)) {
            throw notMember(team);
        }
    }

    /** Our signing key: the one derived from whichever of our identities is a member. */
    private SigningKey memberKey(TeamState team) {
        return identities.stream().filter(id -> team.membership().byRecipient(id.recipient()).isPresent()).findFirst()
                .map(SigningKey::of).orElseThrow(() -> notMember(team));
    }

    private KimenException notMember(TeamState team) {
        return KimenException.of(Reason.NOT_A_RECIPIENT, "your identity is not among the "
                        + dev.kimen.text.Counts.of(team.membership().members().size(), "member") + " of " + remote.name(),
                "send your member key (kimen sync whoami) to a member, who runs: kimen sync recipients add <member key>"
                        + " --remote " + remote.name() + " and pushes");
    }

    private KimenException unconfirmed(TeamState team) {
        String fingerprint = team.membership().fingerprint();
        return KimenException.of(Reason.MEMBERSHIP_UNCONFIRMED, "you have not confirmed the team at " + remote.name()
                        + " yet: its members are " + team.membership().members().stream().map(Member::label)
                        .collect(Collectors.joining(", ")) + " (fingerprint " + fingerprint + ")",
                "check the fingerprint with a member you trust (kimen sync recipients list shows it), then: kimen sync"
                        + " pull --expect " + fingerprint + " --remote " + remote.name());
    }

    private static String signerLabel(TeamState team) {
        return team.membership().bySigningKey(team.head().signer()).map(Member::label)
                .orElse("ed25519:" + team.head().signer().substring(0, 16));
    }

    private KimenException remoteEmpty() {
        return KimenException.of(Reason.REMOTE_EMPTY, "the remote " + remote.name() + " holds no vault yet",
                "set it up with: kimen sync init --remote " + remote.name());
    }

    /**
     * The team's vault (empty for an empty remote). It is signed by a member and we are one, so a
     * vault.age that does not open with our identity was sealed to others than its state says.
     */
    private Vault openTeamVault(Verified now) {
        if (now.team() == null) {
            return new Vault();
        }
        try {
            return Bundles.open(now.files().vaultAge(), identities, new HashMap<>());
        } catch (KimenException e) {
            if (e.reason() != Reason.INVALID_BUNDLE) {
                throw e;
            }
            throw TeamState.untrusted(remote.name(), "its " + Transport.VAULT + ", signed in state "
                    + now.team().head().seq() + ", does not open with your identity (" + e.getMessage() + ")");
        }
    }

    /** The baseline, or {@code no_local_baseline} when there is none for this remote's URL. */
    private LocalState.Baseline baseline() {
        return local.baseline(identities).orElseThrow(() -> KimenException.of(Reason.NO_LOCAL_BASELINE,
                "this vault has never synced with " + remote.name() + " at " + remote.url().text(),
                "set the remote up with: kimen sync init --remote " + remote.name()
                        + " (or join it with: kimen sync pull --reconcile --remote " + remote.name() + ")"));
    }

    /** The baseline, or an empty one: a first join, where every name present on both sides is compared. */
    private LocalState.Baseline baselineOrEmpty() {
        return local.baseline(identities).orElseGet(() -> new LocalState.Baseline(new Vault(), ""));
    }

    static KimenException remoteChanged(String remote, String when) {
        return KimenException.of(Reason.REMOTE_CHANGED, "the remote " + remote + " changed " + when,
                "take the remote's changes first: kimen sync --remote " + remote + " (pull --reconcile, then push)");
    }

    private static String names(List<String> names) {
        return dev.kimen.text.Counts.of(names.size(), "name");
    }

    /** Who publishes, for the lock file, commit message or a default label: user@host, nothing secret. */
    public static String who() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "?") + "@" + host;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String sha256(byte[] data) {
        return dev.kimen.crypto.Sha256.hex(data);
    }
}
