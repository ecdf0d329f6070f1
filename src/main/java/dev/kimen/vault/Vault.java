package dev.kimen.vault;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The decrypted contents of a vault: secret names mapped to their values, kept in name order,
 * and what is known about some of them ({@link SecretMeta}: an expiry date).
 */
public final class Vault implements AutoCloseable {
    private final TreeMap<String, SecretBytes> secrets = new TreeMap<>();
    private final TreeMap<String, SecretMeta> meta = new TreeMap<>();

    public List<String> names() {
        return List.copyOf(secrets.keySet());
    }

    public int size() {
        return secrets.size();
    }

    public boolean contains(String name) {
        return secrets.containsKey(name);
    }

    /** The value of {@code name}, also when it is given as shown ({@code \xNN} for a byte of a name that is not UTF-8). */
    public Optional<SecretBytes> find(String name) {
        SecretBytes value = secrets.get(name);
        if (value == null && name.contains("\\x")) {
            value = secrets.get(dev.kimen.text.Utf8.unshow(name));
        }
        return Optional.ofNullable(value);
    }

    public SecretBytes get(String name) {
        SecretBytes value = find(name).orElse(null);
        if (value == null) {
            throw notFound(name);
        }
        return value;
    }

    /** What is known about {@code name} beside its value ({@link SecretMeta#NONE} when nothing). */
    public SecretMeta meta(String name) {
        return meta.getOrDefault(name, SecretMeta.NONE);
    }

    /** Replaces what is known about an existing secret. */
    public void setMeta(String name, SecretMeta about) {
        if (!secrets.containsKey(name)) {
            throw notFound(name);
        }
        if (about.isEmpty()) {
            meta.remove(name);
        } else {
            meta.put(name, about);
        }
    }

    /** Whether any secret has metadata, which only kimen-vault/v3 can hold. */
    public boolean hasMeta() {
        return !meta.isEmpty();
    }

    /**
     * Sets a value, replacing (and clearing) any previous one; the secret's metadata stays. Takes
     * ownership of {@code value}.
     */
    public void put(String name, SecretBytes value) {
        SecretBytes old = secrets.put(name, value);
        if (old != null && old != value) {
            old.destroy();
        }
    }

    public void remove(String name) {
        SecretBytes old = secrets.remove(name);
        if (old == null) {
            throw notFound(name);
        }
        old.destroy();
        meta.remove(name);
    }

    public void rename(String from, String to) {
        if (!secrets.containsKey(from)) {
            throw notFound(from);
        }
        if (secrets.containsKey(to)) {
            throw KimenException.of(Reason.SECRET_EXISTS, "a secret named " + to + " already exists",
                    "remove it first with: kimen secret rm " + to);
        }
        secrets.put(to, secrets.remove(from));
        SecretMeta about = meta.remove(from);
        if (about != null) {
            meta.put(to, about);
        }
    }

    /**
     * Makes the values exactly {@code entries} (copies; the caller keeps its own). Metadata stays
     * with the names that remain.
     */
    public void replaceAll(Map<String, SecretBytes> entries) {
        List.copyOf(secrets.keySet()).stream().filter(n -> !entries.containsKey(n)).forEach(this::remove);
        entries.forEach((name, value) -> put(name, value.copy()));
    }

    /** Makes the contents exactly those of {@code other}, metadata too (copies; it keeps its own). */
    public void replaceAll(Vault other) {
        replaceAll(other.entries());
        meta.clear();
        meta.putAll(other.meta);
    }

    /** Read-only view for encoders. */
    public Map<String, SecretBytes> entries() {
        return java.util.Collections.unmodifiableMap(secrets);
    }

    @Override
    public void close() {
        secrets.values().forEach(SecretBytes::destroy);
        secrets.clear();
        meta.clear();
    }

    private static KimenException notFound(String name) {
        return KimenException.of(Reason.SECRET_NOT_FOUND, "no secret named " + name,
                "list names with: kimen secret list");
    }
}
