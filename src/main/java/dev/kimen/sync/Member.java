package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.bundle.Bundles;
import dev.kimen.crypto.Ed25519;
import dev.kimen.text.OneLine;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One member of a team (docs/sync-format.md): a label people recognise, the age recipient the
 * team's vault is sealed to, and the Ed25519 key their pushes are signed with. A member introduces
 * themselves with a <em>member key</em>, {@code [<label>=]age1…+ed25519:<64 hex>}, which
 * {@code kimen sync whoami} prints; it holds nothing secret.
 *
 * @param signingKey the Ed25519 public key as 64 lowercase hex digits
 */
public record Member(String label, String recipient, String signingKey) {
    /** Labels are shown and stored on one line, so: no spaces, no control characters. */
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final String KEY_PREFIX = "+ed25519:";

    /** Checks every part, so a member read from anywhere (a remote's log, a pin, the command line) is well-formed. */
    public Member {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw invalid("a member label is 1-64 letters, digits, '.', '_', '@', '+' or '-', starting with a"
                    + " letter or digit: " + (label == null ? "(none given)" : OneLine.of(shorten(label))));
        }
        Bundles.recipients(java.util.List.of(recipient), java.util.List.of()); // a usage error when not age1…
        if (!KEY.matcher(signingKey).matches() || !Ed25519.isPublicKey(HexFormat.of().parseHex(signingKey))) {
            throw invalid("not an Ed25519 public key: " + OneLine.of(shorten(signingKey)));
        }
    }

    /**
     * Parses a member key. One without a label is labelled with the head of its recipient
     * ({@code age1qyqszqgp}). A bare {@code age1…} recipient is refused: a member needs a signing key too.
     */
    public static Member parse(String text) {
        String t = text.strip();
        String label = null;
        int eq = t.indexOf('=');
        if (eq >= 0) {
            label = t.substring(0, eq);
            t = t.substring(eq + 1);
        }
        int plus = t.indexOf(KEY_PREFIX);
        if (plus < 0) {
            throw KimenException.of(Reason.USAGE, "a member key is [<label>=]age1…+ed25519:<key>, not just an age"
                            + " recipient: pushes are signed, so a member needs a signing key too",
                    "the new member prints theirs with: kimen sync whoami --identity <their identity file>");
        }
        String recipient = t.substring(0, plus);
        return new Member(label != null ? label : recipient.substring(0, Math.min(12, recipient.length())), recipient,
                t.substring(plus + KEY_PREFIX.length()));
    }

    /** A label for the user running kimen: user@host, with what a label cannot hold replaced by '-'. */
    public static String defaultLabel() {
        String label = Sync.who().replaceAll("[^A-Za-z0-9._@+-]", "-");
        label = label.length() > 64 ? label.substring(0, 64) : label;
        return LABEL.matcher(label).matches() ? label : "member";
    }

    /** The same member under another label. */
    public Member withLabel(String other) {
        return new Member(other, recipient, signingKey);
    }

    /** The member key: {@code label=age1…+ed25519:…}. */
    public String key() {
        return label + "=" + recipient + KEY_PREFIX + signingKey;
    }

    /** The signing key as shown to people: {@code ed25519:} and its first 16 hex digits. */
    public String shortSigningKey() {
        return "ed25519:" + signingKey.substring(0, 16);
    }

    private static String shorten(String s) {
        return s.length() > 70 ? s.substring(0, 70) + "…" : s;
    }

    private static KimenException invalid(String what) {
        return KimenException.of(Reason.USAGE, what, "a member key looks like: bob@laptop=age1…+ed25519:<64 hex digits>"
                + " (kimen sync whoami prints yours)");
    }
}
