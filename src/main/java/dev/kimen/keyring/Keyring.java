package dev.kimen.keyring;

import dev.kimen.crypto.SecretBytes;
import java.util.List;
import java.util.Optional;

/**
 * The OS keyring as a store of named secrets. Items are namespaced to kimen (kimen and mima
 * share them): nothing else in the keyring is listed, read or changed.
 */
public interface Keyring extends AutoCloseable {
    /** The value stored under {@code name}; the caller closes it. */
    Optional<SecretBytes> get(String name);

    /** Whether {@code name} is stored (its value is not read). */
    boolean contains(String name);

    /** Stores {@code value} under {@code name}, replacing any earlier one; the caller keeps {@code value}. */
    void set(String name, SecretBytes value);

    /** Removes {@code name}; false when it was not there. */
    boolean remove(String name);

    /** Every name kimen stored, sorted. */
    List<String> names();

    @Override
    void close();
}
