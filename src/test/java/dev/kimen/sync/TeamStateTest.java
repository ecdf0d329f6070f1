package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chain of signed states a remote's sync.log holds, checked as a member checks it: from the
 * team's first state, or from the state the member pinned. Each attack a remote writer without a
 * member's key could try is refused with remote_untrusted, naming what did not verify.
 */
class TeamStateTest {
    private static final SigningKey ALICE = key();
    private static final SigningKey BOB = key();
    private static final SigningKey CAROL = key();
    private static final SigningKey MALLORY = key();

    private final List<Statement> log = new ArrayList<>();

    private static SigningKey key() {
        try (AgeIdentity id = AgeIdentity.generate()) {
            return SigningKey.of(id);
        }
    }

    private static Membership team(SigningKey... keys) {
        var members = new ArrayList<Member>();
        for (int i = 0; i < keys.length; i++) {
            members.add(keys[i].member(keys[i] == ALICE ? "alice" : keys[i] == BOB ? "bob" : keys[i] == CAROL
                    ? "carol" : "mallory"));
        }
        return new Membership(members);
    }

    /** Appends the next state, signed by {@code signer}, sealed to {@code members} (listed when {@code list}). */
    private Statement push(SigningKey signer, Membership members, boolean list) {
        Statement prev = log.isEmpty() ? null : log.getLast();
        Statement s = Statement.sign(log.size() + 1, prev == null ? null : prev.sha256(),
                Sync.sha256(("vault " + log.size()).getBytes(StandardCharsets.US_ASCII)), members, list, signer,
                Instant.parse("2026-12-07T10:00:00Z"));
        log.add(s);
        return s;
    }

    private byte[] logBytes() {
        var out = new ByteArrayOutputStream();
        log.forEach(s -> out.writeBytes(s.bytes()));
        return out.toByteArray();
    }

    private static TeamState verify(byte[] log, Pin pin) {
        return TeamState.verify(Statement.parseLog(log, "team"), pin, "team");
    }

    private static Pin pin(TeamState at) {
        return Pin.of("fs:/team", at);
    }

    private static String refusal(byte[] log, Pin pin) {
        var e = assertThrows(KimenException.class, () -> verify(log, pin));
        assertEquals(Reason.REMOTE_UNTRUSTED, e.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void membersChainFromTheFirstStateAndFromAPin() {
        push(ALICE, team(ALICE, BOB), true);
        push(BOB, team(ALICE, BOB), false);
        TeamState atTwo = verify(logBytes(), null);
        assertFalse(atTwo.pinned(), "first contact: only a fingerprint can make it trusted");
        push(ALICE, team(ALICE, BOB, CAROL), true);
        push(CAROL, team(ALICE, BOB, CAROL), false);

        TeamState joined = verify(logBytes(), null);
        assertEquals(4, joined.head().seq());
        assertEquals(team(ALICE, BOB, CAROL).fingerprint(), joined.membership().fingerprint());
        TeamState fromPin = verify(logBytes(), pin(atTwo));
        assertTrue(fromPin.pinned());
        assertEquals(joined.head().sha256(), fromPin.head().sha256());
        assertEquals(fromPin.head().sha256(), verify(logBytes(), pin(fromPin)).head().sha256(), "an unchanged remote");
    }

    @Test
    void anOutsiderCanNeitherSignAStateNorChangeTheMembers() {
        push(ALICE, team(ALICE, BOB), true);
        byte[] genuine = logBytes();
        push(MALLORY, team(ALICE, BOB), false);
        assertTrue(refusal(logBytes(), null).contains("state 2 is signed by ed25519:" + MALLORY.publicHex().substring(0, 16)));

        log.removeLast();
        push(MALLORY, team(ALICE, BOB, MALLORY), true); // recipient injection, signed by the injected key
        assertTrue(refusal(logBytes(), pin(verify(genuine, null))).contains("who is not a member"));
    }

    @Test
    void aRemovedMemberCannotPushNorAddThemselfBack() {
        push(ALICE, team(ALICE, BOB, CAROL), true);
        push(ALICE, team(ALICE, CAROL), true); // bob removed
        TeamState afterRemoval = verify(logBytes(), null);
        push(BOB, team(ALICE, CAROL), false);
        assertTrue(refusal(logBytes(), pin(afterRemoval)).contains("state 3 is signed by"));
        log.removeLast();
        push(BOB, team(ALICE, BOB, CAROL), true);
        assertTrue(refusal(logBytes(), pin(afterRemoval)).contains("who is not a member"));
    }

    @Test
    void aRollbackOrARewrittenHistoryIsRefusedAgainstThePin() {
        push(ALICE, team(ALICE, BOB), true);
        push(BOB, team(ALICE, BOB), false);
        byte[] older = logBytes();
        push(ALICE, team(ALICE, BOB), false);
        Pin atThree = pin(verify(logBytes(), null));

        assertTrue(refusal(older, atThree).contains("rolled back"), "an older genuine log");
        log.removeLast();
        push(BOB, team(ALICE, BOB), false); // another state 3, by a member, but not the one agreed on
        assertTrue(refusal(logBytes(), atThree).contains("history was rewritten"));
        push(BOB, team(ALICE, BOB), false); // and a state 4 built on it
        assertTrue(refusal(logBytes(), atThree).contains("history was rewritten"));
    }

    @Test
    void eachStateFollowsItsPredecessorAndNamesItsMembers() {
        push(ALICE, team(ALICE, BOB), true);
        Statement first = log.getFirst();
        Statement skipped = Statement.sign(3, first.sha256(), first.vault(), team(ALICE, BOB), false, BOB, Instant.now());
        assertTrue(refusal(concat(first.bytes(), skipped.bytes()), null).contains("the sequence must grow by one"));

        Statement detached = Statement.sign(2, first.vault(), first.vault(), team(ALICE, BOB), false, BOB, Instant.now());
        assertTrue(refusal(concat(first.bytes(), detached.bytes()), null).contains("does not follow state 1"));

        // Sealed to others than it says: it names alice, bob and carol but lists no change.
        Statement unnamed = Statement.sign(2, first.sha256(), first.vault(), team(ALICE, BOB, CAROL), false, BOB,
                Instant.now());
        assertTrue(refusal(concat(first.bytes(), unnamed.bytes()), null).contains("names other members"));

        log.clear();
        push(MALLORY, team(ALICE, BOB), true); // a "first state" none of its members signed
        assertTrue(refusal(logBytes(), null).contains("not signed by one of the members it lists"));
    }

    /** Tink's habit for an authenticated format: no single flipped bit and no cut is accepted. */
    @Test
    void everyBitAndEveryLengthOfTheLogIsCovered() {
        push(ALICE, team(ALICE, BOB), true);
        push(BOB, team(ALICE, BOB), false);
        byte[] genuine = logBytes();
        Pin head = pin(verify(genuine, null));
        for (int bit = 0; bit < genuine.length * 8; bit++) {
            byte[] flipped = genuine.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            var e = assertThrows(KimenException.class, () -> verify(flipped, null), () -> "bit " + b + " flipped");
            assertEquals(Reason.REMOTE_UNTRUSTED, e.reason());
        }
        for (int length = 0; length < genuine.length; length++) {
            byte[] cut = Arrays.copyOf(genuine, length);
            int l = length;
            var e = assertThrows(KimenException.class, () -> verify(cut, head), () -> "cut at " + l);
            assertEquals(Reason.REMOTE_UNTRUSTED, e.reason());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
