package dev.kimen.session;

import dev.kimen.crypto.KdfParams;
import dev.kimen.unlock.SessionKeys;
import dev.kimen.vault.VaultKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the daemon holds: per canonical vault path, the vault's key (for the file's current salt),
 * its idle TTL and when it expires. Each use moves the expiry forward; an expired key is forgotten
 * (its bytes zeroed) when anything next looks, and by the daemon's periodic sweep.
 */
final class HeldKeys implements SessionKeys {
    private record Entry(VaultKey key, Duration ttl, Instant expires) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new TreeMap<>();

    HeldKeys(Clock clock) {
        this.clock = clock;
    }

    /** Holds {@code key} (adopted) for {@code vault}, replacing what was held for it. */
    synchronized void put(String vault, VaultKey key, Duration ttl) {
        forget(vault);
        entries.put(vault, new Entry(key, ttl, expiry(ttl)));
    }

    /** A copy of the key held for {@code vault}, refreshing its expiry; empty when none or expired. */
    synchronized Optional<VaultKey> use(String vault) {
        forgetExpired();
        Entry e = entries.get(vault);
        if (e == null) {
            return Optional.empty();
        }
        entries.put(vault, new Entry(e.key(), e.ttl(), expiry(e.ttl())));
        return Optional.of(e.key().copy());
    }

    /**
     * The session step for a run the daemon plans itself ({@link RunPlanner}), as
     * {@link SessionClient#keyFor} is for a command: a key for an older salt is forgotten.
     */
    @Override
    public synchronized Optional<VaultKey> keyFor(Path vault, KdfParams params, byte[] salt) {
        Optional<VaultKey> held = use(vault.toString());
        if (held.isPresent() && !held.get().fits(params, salt)) {
            held.get().close();
            forget(vault.toString());
            return Optional.empty();
        }
        return held;
    }

    synchronized int forget(String vault) {
        Entry e = entries.remove(vault);
        if (e == null) {
            return 0;
        }
        e.key().close();
        return 1;
    }

    synchronized int forgetAll() {
        int count = entries.size();
        entries.values().forEach(e -> e.key().close());
        entries.clear();
        return count;
    }

    synchronized void forgetExpired() {
        Instant now = clock.instant();
        entries.entrySet().removeIf(e -> {
            Instant expires = e.getValue().expires();
            boolean expired = expires != null && !now.isBefore(expires);
            if (expired) {
                e.getValue().key().close();
            }
            return expired;
        });
    }

    /** The vaults held now, without touching their expiry. */
    synchronized List<HeldVault> status() {
        forgetExpired();
        return entries.entrySet().stream()
                .map(e -> new HeldVault(e.getKey(), e.getValue().ttl(), e.getValue().expires()))
                .toList();
    }

    private Instant expiry(Duration ttl) {
        return ttl.isZero() ? null : clock.instant().plus(ttl);
    }
}
