package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.VaultKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon's keys: per canonical vault path, with an idle TTL that each use refreshes (DESIGN §3). */
class HeldKeysTest {
    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static final Duration TTL = Duration.ofMinutes(15);
    private static final Duration MS = Duration.ofMillis(1);
    private final TestClock clock = new TestClock();
    private final HeldKeys keys = new HeldKeys(clock);

    static VaultKey key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return VaultKey.of(SecretBytes.adopt(raw), new KdfParams(1024, 1, 1), new byte[16]);
    }

    static byte[] bytes(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return raw;
    }

    /** The bytes of the key {@code use} returns, closing that copy. */
    byte[] used(String vault) {
        try (VaultKey copy = keys.use(vault).orElseThrow()) {
            return copy.key().reveal();
        }
    }

    @Test
    void keyForGivesAKeyThatFitsTheFileAndForgetsOneForAnOlderSalt() {
        keys.put("/a.kv", key(1), TTL);
        var params = new KdfParams(1024, 1, 1);
        try (VaultKey fits = keys.keyFor(java.nio.file.Path.of("/a.kv"), params, new byte[16]).orElseThrow()) {
            assertArrayEquals(bytes(1), fits.key().reveal());
        }
        assertTrue(keys.keyFor(java.nio.file.Path.of("/b.kv"), params, new byte[16]).isEmpty());
        byte[] rekeyed = new byte[16];
        rekeyed[0] = 1;
        assertTrue(keys.keyFor(java.nio.file.Path.of("/a.kv"), params, rekeyed).isEmpty());
        assertEquals(List.of(), keys.status(), "the key for the old salt is still held");
    }

    @Test
    void aKeyIsHeldUntilItsTtlPassesAndNotAfter() {
        VaultKey held = key(1);
        keys.put("/a.kv", held, TTL);
        clock.advance(TTL.minus(MS));
        assertArrayEquals(bytes(1), used("/a.kv"));
        clock.advance(TTL.minus(MS));
        assertEquals(1, keys.status().size());
        clock.advance(MS);
        assertTrue(keys.use("/a.kv").isEmpty());
        assertEquals(List.of(), keys.status());
        assertTrue(held.key().isDestroyed());
    }

    @Test
    void eachUsePushesTheExpiryForward() {
        keys.put("/a.kv", key(1), TTL);
        for (int i = 0; i < 5; i++) {
            clock.advance(TTL.minus(MS));
            assertArrayEquals(bytes(1), used("/a.kv"), "use " + i);
        }
        // 5 × (TTL − 1 ms) since the put: well past one TTL, yet held, and now due a full TTL after the last use
        assertEquals(clock.instant().plus(TTL), keys.status().getFirst().expires());
        clock.advance(TTL);
        assertTrue(keys.use("/a.kv").isEmpty());
    }

    @Test
    void statusDoesNotPushTheExpiry() {
        keys.put("/a.kv", key(1), TTL);
        Instant due = clock.instant().plus(TTL);
        clock.advance(TTL.minus(MS));
        var held = keys.status();
        assertEquals(List.of(new HeldVault("/a.kv", TTL, due)), held);
        clock.advance(MS);
        assertEquals(List.of(), keys.status());
    }

    @Test
    void ttlZeroNeverExpires() {
        keys.put("/a.kv", key(1), Duration.ZERO);
        clock.advance(Duration.ofDays(10_000));
        keys.forgetExpired();
        var held = keys.status();
        assertEquals(1, held.size());
        assertNull(held.getFirst().expires());
        assertArrayEquals(bytes(1), used("/a.kv"));
    }

    @Test
    void putReplacesAndDestroysTheOldKey() {
        VaultKey old = key(1);
        keys.put("/a.kv", old, TTL);
        clock.advance(Duration.ofMinutes(10));
        keys.put("/a.kv", key(2), Duration.ofHours(1));
        assertTrue(old.key().isDestroyed());
        assertArrayEquals(bytes(2), used("/a.kv"));
        assertEquals(Duration.ofHours(1), keys.status().getFirst().ttl());
        clock.advance(Duration.ofMinutes(59)); // the new TTL counts, not the old one
        assertEquals(1, keys.status().size());
    }

    @Test
    void forgetDestroysOnlyThatVaultsKey() {
        VaultKey a = key(1), b = key(2);
        keys.put("/a.kv", a, TTL);
        keys.put("/b.kv", b, TTL);
        assertEquals(1, keys.forget("/a.kv"));
        assertTrue(a.key().isDestroyed());
        assertFalse(b.key().isDestroyed());
        assertTrue(keys.use("/a.kv").isEmpty());
        assertEquals(0, keys.forget("/a.kv"));
        assertEquals(0, keys.forget("/never.kv"));
        assertArrayEquals(bytes(2), used("/b.kv"));
    }

    @Test
    void forgetAllDestroysEveryKeyAndCountsThem() {
        VaultKey a = key(1), b = key(2);
        keys.put("/a.kv", a, TTL);
        keys.put("/b.kv", b, Duration.ZERO);
        assertEquals(2, keys.forgetAll());
        assertTrue(a.key().isDestroyed());
        assertTrue(b.key().isDestroyed());
        assertEquals(List.of(), keys.status());
        assertEquals(0, keys.forgetAll());
    }

    @Test
    void forgetExpiredDestroysOnlyExpiredKeys() {
        VaultKey shortLived = key(1), longLived = key(2), forever = key(3);
        keys.put("/short.kv", shortLived, Duration.ofMinutes(1));
        keys.put("/long.kv", longLived, Duration.ofHours(1));
        keys.put("/forever.kv", forever, Duration.ZERO);
        clock.advance(Duration.ofMinutes(1));
        keys.forgetExpired();
        assertTrue(shortLived.key().isDestroyed());
        assertFalse(longLived.key().isDestroyed());
        assertFalse(forever.key().isDestroyed());
        assertEquals(List.of("/forever.kv", "/long.kv"), keys.status().stream().map(HeldVault::path).toList());
    }

    @Test
    void vaultsAreIndependent() {
        keys.put("/a.kv", key(1), TTL);
        keys.put("/b.kv", key(2), TTL);
        clock.advance(Duration.ofMinutes(10));
        assertArrayEquals(bytes(2), used("/b.kv")); // refreshes /b only
        clock.advance(Duration.ofMinutes(5));
        assertTrue(keys.use("/a.kv").isEmpty());
        assertArrayEquals(bytes(2), used("/b.kv"));
        assertTrue(keys.use("/a.kv/").isEmpty()); // the path is the scope: no near matches
    }

    @Test
    void useReturnsACopy() {
        VaultKey held = key(7);
        keys.put("/a.kv", held, TTL);
        VaultKey copy = keys.use("/a.kv").orElseThrow();
        copy.close();
        assertTrue(copy.key().isDestroyed());
        assertFalse(held.key().isDestroyed());
        assertArrayEquals(bytes(7), used("/a.kv"));
    }

    private String item(String name) {
        return keys.item("dbus:unix:path=/b", name).map(v -> {
            try (v) {
                return new String(v.reveal(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }).orElse(null);
    }

    /** Issue 25: keyring items are held only during a session, for its longest TTL, and never past its last key. */
    @Test
    void keyringItemsLiveOnlyAsLongAsTheSession() {
        byte[] value = "v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(keys.putItem("dbus:unix:path=/b", "k", value), "held with no session to hold it for");
        assertNull(item("k"));

        keys.put("/a.kv", key(1), TTL);
        keys.put("/b.kv", key(2), Duration.ofMinutes(30));
        assertTrue(keys.putItem("dbus:unix:path=/b", "k", value));
        value[0] = 'X'; // the caller's buffer is the caller's: the daemon keeps a copy
        assertEquals("v1", item("k"));
        assertEquals(java.util.Optional.empty(), keys.item("dbus:unix:path=/other", "k"), "another keyring's item of that name");

        clock.advance(Duration.ofMinutes(29));
        assertEquals("v1", item("k"), "the longest TTL of the keys held, 30 minutes, refreshed by each use");
        assertEquals(1, keys.forgetItem("dbus:unix:path=/b", "k"));
        assertNull(item("k"), "forgotten when a command changes it");

        keys.put("/a.kv", key(1), TTL); // it had expired meanwhile
        keys.putItem("dbus:unix:path=/b", "k", value);
        keys.forget("/b.kv");
        assertEquals(1, keys.itemCount(), "one key left: the session goes on");
        keys.forget("/a.kv");
        assertEquals(0, keys.itemCount(), "no key left, no item either");

        keys.put("/a.kv", key(1), TTL);
        keys.putItem("dbus:unix:path=/b", "k", value);
        clock.advance(TTL);
        assertNull(item("k"), "expired with the session's TTL");
        keys.put("/a.kv", key(1), TTL);
        keys.putItem("dbus:unix:path=/b", "k", value);
        keys.forgetAll();
        assertEquals(0, keys.itemCount(), "session lock forgets them");
    }
}
