package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.regex.Pattern;

/**
 * A named remote of one vault.
 *
 * @param identity the age identity file used with it, or null (then given per command)
 */
public record Remote(String name, RemoteUrl url, String identity) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw KimenException.of(Reason.USAGE, "a remote name is 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit", "e.g. team");
        }
        return name;
    }
}
