package dev.kimen.unlock;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.crypto.SecretBytes;
import org.junit.jupiter.api.Test;

/** Issue 24: "a 3-character passphrase is taken without a word". zxcvbn judges; kimen warns. */
class PassphraseStrengthTest {
    @Test
    void shortAndCommonPassphrasesAreWeakRandomWordsAreNot() {
        for (String weak : new String[] {"zq7", "password1", "qwertyuiop", "kimen2026"}) {
            PassphraseStrength s = PassphraseStrength.of(SecretBytes.ofUtf8(weak));
            assertTrue(s.weak(), weak + " scored " + s.score());
            assertFalse(s.warning().contains(weak), "the warning never repeats the passphrase");
        }
        PassphraseStrength strong = PassphraseStrength.of(SecretBytes.ofUtf8("tundra quiver lantern basil ochre"));
        assertFalse(strong.weak(), "scored " + strong.score());
    }
}
