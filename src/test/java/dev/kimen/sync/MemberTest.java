package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.AgeIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Member keys as people pass them around, and the fingerprint they compare. */
class MemberTest {
    private static Member member(String label) {
        try (AgeIdentity id = AgeIdentity.generate(); SigningKey key = SigningKey.of(id)) {
            return key.member(label);
        }
    }

    @Test
    void aMemberKeyRoundTripsAndNeedsItsSigningKey() {
        Member bob = member("bob@laptop");
        assertEquals(bob, Member.parse(bob.key()));
        assertEquals(bob.withLabel(bob.recipient().substring(0, 12)),
                Member.parse(bob.recipient() + "+ed25519:" + bob.signingKey()), "no label: the recipient's head");
        var bare = assertThrows(KimenException.class, () -> Member.parse(bob.recipient()));
        assertEquals(Reason.USAGE, bare.reason());
        assertTrue(bare.hint().contains("kimen sync whoami"), bare.hint());
        for (String bad : List.of("bo b=" + bob.recipient() + "+ed25519:" + bob.signingKey(),
                "bob=" + bob.recipient() + "+ed25519:" + bob.signingKey().toUpperCase(),
                "bob=" + bob.recipient() + "+ed25519:" + "00".repeat(32),
                "bob=age1notarecipient+ed25519:" + bob.signingKey(),
                "\u001b[31m=" + bob.recipient() + "+ed25519:" + bob.signingKey())) {
            var e = assertThrows(KimenException.class, () -> Member.parse(bad), bad);
            assertEquals(Reason.USAGE, e.reason());
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
        }
    }

    @Test
    void theFingerprintDependsOnTheMembersNotTheirOrder() {
        Member a = member("alice");
        Member b = member("bob");
        assertEquals(new Membership(List.of(a, b)).fingerprint(), new Membership(List.of(b, a)).fingerprint());
        assertNotEquals(new Membership(List.of(a, b)).fingerprint(), new Membership(List.of(a, b.withLabel("robert")))
                .fingerprint(), "labels are part of the membership");
        assertTrue(new Membership(List.of(a)).fingerprint().matches("SHA256:[A-Za-z0-9+/]{43}"));
        assertEquals(Reason.USAGE, assertThrows(KimenException.class,
                () -> new Membership(List.of(a, b.withLabel("alice")))).reason(), "two members, one label");
        assertEquals(Reason.USAGE, assertThrows(KimenException.class,
                () -> new Membership(List.of(a, a.withLabel("again")))).reason(), "one key twice");
    }

    @Test
    void theSigningKeyIsDerivedFromTheIdentityAlone() {
        try (AgeIdentity id = AgeIdentity.generate(); SigningKey one = SigningKey.of(id); SigningKey two = SigningKey.of(id)) {
            assertEquals(one.publicHex(), two.publicHex());
        }
        assertNotEquals(member("x").signingKey(), member("x").signingKey());
    }
}
