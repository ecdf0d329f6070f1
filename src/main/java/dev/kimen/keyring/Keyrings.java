package dev.kimen.keyring;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds the OS keyring: the Secret Service on Linux, the Keychain on macOS. */
public final class Keyrings {
    private Keyrings() {}

    /** Opens the keyring; {@code keyring_unavailable} (with a hint) when there is none, or it is locked. */
    public static Keyring open(Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return new MacKeychain(env);
        }
        if (os.contains("linux")) {
            return SecretServiceKeyring.connect(env);
        }
        throw unavailable("kimen knows no keyring on " + System.getProperty("os.name"));
    }

    /**
     * The keyring when one answers; empty when there is none to reach (no bus, no service). A
     * keyring that answers but is locked or fails later is an error, never a silent fall-back.
     */
    public static Optional<Keyring> openIfReachable(Map<String, String> env) {
        try {
            return Optional.of(open(env));
        } catch (KimenException e) {
            if (e.reason() != Reason.KEYRING_UNAVAILABLE) {
                throw e;
            }
            return Optional.empty();
        }
    }

    static KimenException unavailable(String why) {
        return KimenException.of(Reason.KEYRING_UNAVAILABLE, "no OS keyring: " + why,
                "use the vault instead (--store vault), or start a keyring: on a headless Linux box,"
                        + " dbus-run-session -- $SHELL, then gnome-keyring-daemon --unlock");
    }
}
