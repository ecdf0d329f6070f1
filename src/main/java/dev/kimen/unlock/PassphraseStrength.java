package dev.kimen.unlock;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import dev.kimen.crypto.SecretBytes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * How hard a new passphrase is to guess, by zxcvbn (Dropbox's estimator, zxcvbn4j): a score from
 * 0 to 4 and the time an offline attacker with the vault file would need at 10 000 guesses a
 * second. kimen's Argon2id is slower than that per guess, so the time is a floor, not a promise.
 * A weak passphrase is warned about, never refused: the user may have reasons (a test vault).
 */
public record PassphraseStrength(int score, String crackTime, String advice) {
    /** Scores below this are weak: zxcvbn's 3 is "safely unguessable: moderate protection from offline attack". */
    static final int GOOD = 3;

    public static PassphraseStrength of(SecretBytes passphrase) {
        byte[] bytes = passphrase.reveal();
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        try {
            Strength s = new Zxcvbn().measure(chars);
            try {
                String warning = s.getFeedback().getWarning();
                return new PassphraseStrength(s.getScore(), s.getCrackTimesDisplay().getOfflineSlowHashing1e4perSecond(),
                        warning == null ? "" : warning);
            } finally {
                s.wipe(); // zxcvbn's own copies of the passphrase, as far as it can clear them
            }
        } finally {
            Arrays.fill(chars.array(), '\0');
        }
    }

    public boolean weak() {
        return score < GOOD;
    }

    /** The warning for a weak passphrase. */
    public String warning() {
        return "the new passphrase is weak (strength " + score + " of 4: guessed in " + crackTime + " by an attacker"
                + " with the vault file)" + (advice.isEmpty() ? "" : ": " + advice)
                + "; a few random words are strong and easy to type";
    }

    /** For --json: never the passphrase, only what was estimated. */
    public Map<String, Object> json() {
        return Map.of("score", score, "weak", weak(), "crack_time", crackTime);
    }
}
