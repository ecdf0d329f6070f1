package dev.kimen.sync;

import dev.kimen.bundle.AgeIdentity;
import dev.kimen.crypto.Ed25519;
import dev.kimen.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A member's signing key, derived from their age identity (docs/sync-format.md): the Ed25519 seed
 * is HKDF-SHA256 of the identity's X25519 secret with the context {@value #CONTEXT}. So a member
 * keeps one identity file, as before signing; whoever holds it can both open the team's vault and
 * sign for the member, and the public signing key reveals nothing about the age key.
 */
public final class SigningKey implements AutoCloseable {
    static final String CONTEXT = "kimen-sync/v1 ed25519 signing key";

    private final SecretBytes seed;
    private final String recipient;
    private final String publicHex;

    private SigningKey(SecretBytes seed, String recipient) {
        this.seed = seed;
        this.recipient = recipient;
        this.publicHex = HexFormat.of().formatHex(Ed25519.publicKey(seed));
    }

    public static SigningKey of(AgeIdentity identity) {
        try (SecretBytes secret = identity.secretKey()) {
            return new SigningKey(Ed25519.deriveSeed(secret, CONTEXT.getBytes(StandardCharsets.US_ASCII)),
                    identity.recipient());
        }
    }

    /** The public key, 64 hex digits. */
    public String publicHex() {
        return publicHex;
    }

    /** This key's holder as a member labelled {@code label}. */
    public Member member(String label) {
        return new Member(label, recipient, publicHex);
    }

    byte[] sign(byte[] message) {
        return Ed25519.sign(seed, message);
    }

    @Override
    public void close() {
        seed.destroy();
    }
}
