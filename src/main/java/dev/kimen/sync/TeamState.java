package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.List;

/**
 * A team's state as a verified {@code sync.log} says it is now: the newest statement and the
 * members in force after it. Verified means (docs/sync-format.md): every statement after the
 * starting point follows its predecessor (the sequence grows by one, {@code previous} is the
 * predecessor's hash), is signed by a member of the predecessor's membership, and names the
 * members it was sealed to by their hash. The starting point is the pin (the state this member
 * last agreed to, which the log must still hold unchanged) or, for a member joining, the team's
 * first statement, which must be signed by one of the members it lists.
 *
 * @param head the newest statement
 * @param membership the members in force after {@code head}
 * @param pinned whether the chain was verified from a pin; false on first contact, when only a
 *     fingerprint compared out of band can make it trusted
 */
public record TeamState(Statement head, Membership membership, boolean pinned) {
    /** The log checked from {@code pin} (null: from the team's first statement); {@code remote} names it in errors. */
    static TeamState verify(List<Statement> log, Pin pin, String remote) {
        int from;
        Membership members;
        if (pin == null) {
            Statement first = log.getFirst();
            members = first.membership();
            if (first.seq() != 1 || first.previous() != null || members == null
                    || !members.sha256().equals(first.members())) {
                throw untrusted(remote, "its first state is not a team's first (sequence 1, no previous state, its members"
                        + " listed)");
            }
            if (members.bySigningKey(first.signer()).isEmpty() || !first.signatureValid()) {
                throw untrusted(remote, "its first state is not signed by one of the members it lists");
            }
            from = 1;
        } else {
            Statement newest = log.getLast();
            if (newest.seq() < pin.seq()) {
                throw untrusted(remote, "it was rolled back: it holds states up to " + newest.seq() + ", but you last agreed"
                        + " on state " + pin.seq());
            }
            int at = (int) (pin.seq() - log.getFirst().seq());
            if (at < 0 || at >= log.size() || log.get(at).seq() != pin.seq()) {
                throw untrusted(remote, "its history does not hold state " + pin.seq() + ", which you last agreed on");
            }
            if (!log.get(at).sha256().equals(pin.statement())) {
                throw untrusted(remote, "its state " + pin.seq() + " is not the one you agreed on: its history was rewritten");
            }
            members = pin.membership();
            from = at + 1;
        }
        for (int i = from; i < log.size(); i++) {
            Statement prev = log.get(i - 1);
            Statement s = log.get(i);
            if (s.seq() != prev.seq() + 1) {
                throw untrusted(remote, "state " + s.seq() + " follows state " + prev.seq() + ": the sequence must grow by one");
            }
            if (!prev.sha256().equals(s.previous())) {
                throw untrusted(remote, "state " + s.seq() + " does not follow state " + prev.seq() + " (another previous hash)");
            }
            if (members.bySigningKey(s.signer()).isEmpty()) {
                throw untrusted(remote, "state " + s.seq() + " is signed by ed25519:" + s.signer().substring(0, 16)
                        + "…, who is not a member");
            }
            if (!s.signatureValid()) {
                throw untrusted(remote, "the signature of state " + s.seq() + " does not verify");
            }
            Membership next = s.membership() == null ? members : s.membership();
            if (!next.sha256().equals(s.members())) {
                throw untrusted(remote, "state " + s.seq() + " names other members than it " + (s.membership() == null
                        ? "keeps" : "lists"));
            }
            members = next;
        }
        return new TeamState(log.getLast(), members, pin != null);
    }

    /** Whether {@code vaultSha256} is the {@code vault.age} the newest state signed. */
    boolean signs(String vaultSha256) {
        return head.vault().equals(vaultSha256);
    }

    /** {@code remote_untrusted}: {@code what} names what did not verify, never a value. */
    static KimenException untrusted(String remote, String what) {
        return KimenException.of(Reason.REMOTE_UNTRUSTED, "the remote " + remote + " failed verification: " + what,
                "nothing was changed. Someone who can write to the remote changed it without a member's key, or it"
                        + " was damaged: ask a member to check it, and restore it from their copy or its history");
    }
}
