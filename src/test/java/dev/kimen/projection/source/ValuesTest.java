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
    };

    /** The same stores with mima's store set to the vault. */
    private static final SecretLookup MIMA_IN_VAULT = new SecretLookup() {
        @Override
        public SecretBytes get(String name) {
            return LOOKUP.get(name);
        }

        @Override
        public Optional<SecretBytes> keyring(String name) {
            return LOOKUP.keyring(name);
        }

        @Override
        public boolean mimaStoreIsVault() {
            return true;
        }
    };

    @Test
    void everyKindResolves() {
        assertEquals("from-vault", resolve(new ValueSource.Secret("db.password")));
        assertEquals("literal", resolve(new ValueSource.Const("literal")));
        assertEquals("from exec", resolve(new ValueSource.Exec(List.of("printf", "from exec\\n"))), "one final newline dropped");
        assertEquals("keyring-token", resolve(new ValueSource.Keyring("api.token")));
        assertEquals("keyring-token", resolve(new ValueSource.Stored("api.token")), "mima's store: the keyring");
    }

    @Test
    void aBareGroupNameReadsMimaStoreOnlyNeverTheOther() {
        var e = assertThrows(KimenException.class, () -> resolve(new ValueSource.Stored("db.password")),
                "in the vault only: the keyring store does not fall back to it");
        assertEquals(Reason.SECRET_NOT_FOUND, e.reason());
        assertEquals("add it with: mima secret add db.password", e.hint());
        try (SecretBytes v = Values.resolve(new ValueSource.Stored("api.token"), MIMA_IN_VAULT)) {
            assertEquals("vault-token", new String(v.reveal(), StandardCharsets.UTF_8), "mima's store: the vault");
        }
        var missing = assertThrows(KimenException.class, () -> Values.resolve(new ValueSource.Stored("nope"), MIMA_IN_VAULT));
        assertEquals("no secret named nope in kimen's vault (mima's store)", missing.getMessage());
        assertEquals("add it with: mima secret add nope", missing.hint());
    }

    /** Issue 24: doctor passed, then run said only "exec source 'git' exited with status 128". */
    @Test
    void aFailedCommandNamesItsMapLineAndVariable() {
        var p = new dev.kimen.projection.Projection(dev.kimen.projection.Projection.Kind.ENV, "GIT_SHA",
                new ValueSource.Exec(List.of("false")), null, "deploy.kmap:7");
        var e = assertThrows(KimenException.class, () -> Values.resolve(p, LOOKUP));
        assertEquals(Reason.EXEC_SOURCE_FAILED, e.reason());
        assertEquals("deploy.kmap:7: env GIT_SHA: exec source 'false' exited with status 1", e.getMessage());
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
