package dev.kimen.keyring;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.Locale;
import java.util.Map;

/** Finds the OS keyring: the Secret Service on Linux, the Keychain on macOS. */
public final class Keyrings {
    private Keyrings() {}

    /** This OS's name in lower case: which keyring there is. */
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);

    /**
     * Which keyring {@link #open} would open for {@code env}, as a session names the items it holds
     * ({@code dbus:<address>} on Linux, {@code keychain} on macOS); null when there is none to open.
     */
    public static String id(Map<String, String> env) {
        if (OS.contains("mac")) {
            return "keychain";
        }
        String bus = env.get("DBUS_SESSION_BUS_ADDRESS");
        return OS.contains("linux") && bus != null && !bus.isEmpty() ? "dbus:" + bus : null;
    }

    /** Opens the keyring; {@code keyring_unavailable} (with a hint) when there is none, or it is locked. */
    public static Keyring open(Map<String, String> env) {
        dev.kimen.process.Confinement.check("the OS keyring"); // the daemon opens no D-Bus connection
        if (OS.contains("mac")) {
            return new MacKeychain(env);
        }
        if (OS.contains("linux")) {
            return SecretServiceKeyring.connect(env);
        }
        throw unavailable("kimen knows no keyring on " + System.getProperty("os.name"));
    }

    static KimenException unavailable(String why) {
        return KimenException.of(Reason.KEYRING_UNAVAILABLE, "no OS keyring: " + why,
                "start one (on a headless Linux box: dbus-run-session -- $SHELL, then gnome-keyring-daemon --unlock),"
                        + " or keep the secret in kimen's vault: --store vault (mima: mima config store vault)");
    }
}
