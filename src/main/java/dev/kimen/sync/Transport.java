package dev.kimen.sync;

import java.util.List;

/**
 * Where a team's ciphertext lives: a shared directory ({@link FsRemote}) or a git repository
 * ({@link GitRemote}). Either way the remote holds only {@code vault.age} (a bundle sealed to the
 * team), {@code recipients.txt} (the team's public age recipients) and, at times, {@code lock}.
 */
public interface Transport {
    String VAULT = "vault.age";
    String RECIPIENTS = "recipients.txt";
    String LOCK = "lock";

    /**
     * What the remote holds now.
     *
     * @param vaultAge null before the first push
     * @param revision what a publish builds on (a git commit), or null
     */
    record Snapshot(byte[] vaultAge, List<String> recipients, boolean locked, String revision) {
        /** The SHA-256 of {@code vault.age} in hex ("" when there is none): how a push sees that the remote moved. */
        public String sha256() {
            return vaultAge == null ? "" : Sync.sha256(vaultAge);
        }
    }

    /** Reads the remote; {@code remote_unreachable} when it cannot. */
    Snapshot read();

    /**
     * Replaces the team's vault and recipients, but only if the remote still is {@code seen}:
     * {@code remote_changed} when someone published since, {@code remote_lock_present} when the
     * remote is locked.
     *
     * @param who names the publisher in the lock or commit (user@host; never a secret)
     */
    void publish(Snapshot seen, byte[] vaultAge, List<String> recipients, String who);

    /** Removes a stale lock; false when there was none. */
    boolean unlock(String who);

    /** Parses {@code recipients.txt}: one recipient per line; blank lines and {@code #} comments skipped. */
    static List<String> recipientLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static byte[] recipientsFile(List<String> recipients) {
        return (String.join("\n", recipients) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
