package dev.kimen.sync;

import dev.kimen.KimenException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Where a team's ciphertext lives: a shared directory ({@link FsRemote}) or a git repository
 * ({@link GitRemote}). Either way the remote holds {@code vault.age} (a bundle sealed to the
 * team), {@code sync.log} (the signed history of the team's states, docs/sync-format.md),
 * {@code recipients.txt} (the members' age recipients, for people and {@code age -R}; kimen never
 * trusts it) and, at times, {@code lock}. A transport only moves bytes: whoever can write the
 * remote controls them, so {@link Sync} verifies everything it reads.
 */
public interface Transport {
    String VAULT = "vault.age";
    String LOG = "sync.log";
    String RECIPIENTS = "recipients.txt";
    String LOCK = "lock";
    /** The most a remote's file may hold before kimen refuses to read it (a hostile remote must not exhaust memory). */
    long MAX_VAULT = 64L << 20;
    long MAX_LOG = 16L << 20;
    long MAX_SMALL = 1L << 20;

    /** The size limit of one of the remote's files. */
    static long limit(String name) {
        return switch (name) {
            case VAULT -> MAX_VAULT;
            case LOG -> MAX_LOG;
            default -> MAX_SMALL;
        };
    }

    /**
     * What the remote holds now.
     *
     * @param vaultAge null before the first push
     * @param log {@code sync.log}, null when there is none (an empty or unsigned remote)
     * @param recipients {@code recipients.txt}'s lines (read only to upgrade an unsigned remote)
     * @param lock what the lock file says, null when there is none
     * @param revision what a publish builds on (a git commit), or null
     */
    record Snapshot(byte[] vaultAge, byte[] log, List<String> recipients, String lock, String revision) {
        public boolean locked() {
            return lock != null;
        }

        /** Whether {@code other} holds the same vault and log: how a publish sees that the remote moved. */
        public boolean sameAs(Snapshot other) {
            return Arrays.equals(vaultAge, other.vaultAge) && Arrays.equals(log, other.log);
        }
    }

    /** The files one publish writes. */
    record Publication(byte[] vaultAge, byte[] log, List<String> recipients) {}

    /** Reads the remote; {@code remote_unreachable} when it cannot, {@code remote_untrusted} for a file it must not read. */
    Snapshot read();

    /**
     * Replaces the team's files, but only if the remote still is {@code seen}: {@code remote_changed}
     * when someone published since, {@code remote_lock_present} when the remote is locked.
     *
     * @param who names the publisher in the lock or commit (user@host; never a secret)
     * @return notes for the user (e.g. a repository whose default branch will hide the team's)
     */
    List<String> publish(Snapshot seen, Publication files, String who);

    /** Removes a stale lock; false when there was none. */
    boolean unlock(String who);

    /** {@code remote_lock_present} for a remote whose lock says {@code lock}, saying what a lock means here. */
    KimenException lockPresent(String lock);

    /**
     * Whether a reader always sees one publish whole. A shared directory's files are replaced one
     * by one, so a reader may see a new {@code vault.age} beside the old log for a moment.
     */
    default boolean atomic() {
        return true;
    }

    /** Parses {@code recipients.txt}: one recipient per line; blank lines and {@code #} comments skipped. */
    static List<String> recipientLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** What a lock file says, on one line and at most 200 characters (it is the remote's text); null for no lock. */
    static String lockText(byte[] lock) {
        if (lock == null) {
            return null;
        }
        String text = dev.kimen.text.OneLine.of(new String(lock, StandardCharsets.UTF_8).strip());
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    static byte[] recipientsFile(List<String> recipients) {
        return ("# The team's age recipients, written by kimen from " + LOG + " for people and `age -R`.\n"
                + "# kimen never reads this file: editing it changes no one's access.\n"
                + String.join("\n", recipients) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
