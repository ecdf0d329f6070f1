package dev.kimen.session;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.VaultKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the daemon holds: per canonical vault path, the vault's key (for the file's current salt),
 * its idle TTL and when it expires; and the OS keyring items that commands read while a key was
 * held (issue 25), each for the longest TTL among the keys then held and never longer than the
 * last key. Each use moves an expiry forward; what expired is forgotten (its bytes zeroed) when
 * anything next looks, and by the daemon's periodic sweep.
 */
final class HeldKeys implements Held {
    private record Entry(VaultKey key, Duration ttl, Instant expires) {}

    private record ItemEntry(byte[] value, Duration ttl, Instant expires) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new TreeMap<>();
    /** Keyring items by keyring id, a NUL, and name. */
    private final Map<String, ItemEntry> items = new TreeMap<>();

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
        forgetItemsWithoutKeys();
        return 1;
    }

    synchronized int forgetAll() {
        int count = entries.size();
        entries.values().forEach(e -> e.key().close());
        entries.clear();
        forgetItemsWithoutKeys();
        return count;
    }

    synchronized void forgetExpired() {
        Instant now = clock.instant();
        entries.entrySet().removeIf(e -> {
            boolean expired = expired(e.getValue().expires(), now);
            if (expired) {
                e.getValue().key().close();
            }
            return expired;
        });
        items.values().removeIf(i -> {
            boolean expired = expired(i.expires(), now);
            if (expired) {
                Arrays.fill(i.value(), (byte) 0);
            }
            return expired;
        });
        forgetItemsWithoutKeys();
    }

    private static boolean expired(Instant expires, Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /**
     * Holds a copy of keyring item {@code name} of {@code keyring}, for the longest TTL among the
     * keys held now; false (nothing held) when no key is: there is no session to hold it for.
     */
    synchronized boolean putItem(String keyring, String name, byte[] value) {
        forgetExpired();
        if (entries.isEmpty()) {
            return false;
        }
        Duration ttl = entries.values().stream().map(Entry::ttl)
                .reduce((a, b) -> a.isZero() || b.isZero() ? Duration.ZERO : a.compareTo(b) >= 0 ? a : b).orElseThrow();
        forgetItem(keyring, name);
        items.put(itemKey(keyring, name), new ItemEntry(value.clone(), ttl, expiry(ttl)));
        return true;
    }

    /** A copy of the held keyring item, refreshing its expiry; empty when none or expired. */
    @Override
    public synchronized Optional<SecretBytes> item(String keyring, String name) {
        forgetExpired();
        ItemEntry i = items.get(itemKey(keyring, name));
        if (i == null) {
            return Optional.empty();
        }
        items.put(itemKey(keyring, name), new ItemEntry(i.value(), i.ttl(), expiry(i.ttl())));
        return Optional.of(SecretBytes.adopt(i.value().clone()));
    }

    synchronized int forgetItem(String keyring, String name) {
        ItemEntry i = items.remove(itemKey(keyring, name));
        if (i == null) {
            return 0;
        }
        Arrays.fill(i.value(), (byte) 0);
        return 1;
    }

    /** The number of keyring items held. */
    synchronized int itemCount() {
        forgetExpired();
        return items.size();
    }

    /** Items live no longer than the session: once no key is held, none is. */
    private void forgetItemsWithoutKeys() {
        if (entries.isEmpty()) {
            items.values().forEach(i -> Arrays.fill(i.value(), (byte) 0));
            items.clear();
        }
    }

    private static String itemKey(String keyring, String name) {
        return keyring + "\0" + name;
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
