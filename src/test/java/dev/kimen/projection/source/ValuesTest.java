package dev.kimen.projection.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each kind of value source resolves to its own bytes (Values.resolve is an instanceof chain: none may fall through). */
class ValuesTest {
    private static final Map<String, String> VAULT = Map.of("db.password", "from-vault", "api.token", "vault-token");
    private static final Map<String, String> KEYRING = Map.of("api.token", "keyring-token");

    private static final SecretLookup LOOKUP = new SecretLookup() {
        @Override
        public SecretBytes get(String name) {
            String v = VAULT.get(name);
            if (v == null) {
                throw KimenException.of(Reason.SECRET_NOT_FOUND, "no secret named " + name);
            }
            return SecretBytes.ofUtf8(v);
        }

        @Override
        public Optional<SecretBytes> keyring(String name) {
            return Optional.ofNullable(KEYRING.get(name)).map(SecretBytes::ofUtf8);
        }

        @Override
        public Optional<SecretBytes> keyringIfReachable(String name) {
            return keyring(name);
        }
    };

    @Test
    void everyKindResolves() {
        assertEquals("from-vault", resolve(new ValueSource.Secret("db.password")));
        assertEquals("literal", resolve(new ValueSource.Const("literal")));
        assertEquals("from exec", resolve(new ValueSource.Exec(List.of("printf", "from exec\\n"))), "one final newline dropped");
        assertEquals("keyring-token", resolve(new ValueSource.Keyring("api.token")));
        assertEquals("keyring-token", resolve(new ValueSource.Stored("api.token")), "the keyring first");
        assertEquals("from-vault", resolve(new ValueSource.Stored("db.password")), "then the vault");
    }

    @Test
    void aMissingKeyringItemIsNotFound() {
        var e = assertThrows(KimenException.class, () -> resolve(new ValueSource.Keyring("nope")));
        assertEquals(Reason.SECRET_NOT_FOUND, e.reason());
    }

    private static String resolve(ValueSource source) {
        try (SecretBytes v = Values.resolve(source, LOOKUP)) {
            return new String(v.reveal(), StandardCharsets.UTF_8);
        }
    }
}
