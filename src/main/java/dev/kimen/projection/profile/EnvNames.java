package dev.kimen.projection.profile;

/** POSIX-portable environment variable names: a letter or underscore, then letters, digits, underscores. */
public final class EnvNames {
    private EnvNames() {}

    public static boolean isValid(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
