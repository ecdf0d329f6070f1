package dev.kimen.projection;

import dev.kimen.Reason;
import dev.kimen.text.OneLine;

/**
 * A finding about a map, tied to where it was written. Errors carry the reason a command that
 * cannot go on reports: {@code map_invalid}, or {@code unsafe_path} for a path that escapes.
 */
public record Problem(boolean error, Reason reason, String origin, String message) {
    public static Problem error(String origin, String message) {
        return new Problem(true, Reason.MAP_INVALID, origin, message);
    }

    public static Problem unsafePath(String origin, String message) {
        return new Problem(true, Reason.UNSAFE_PATH, origin, message);
    }

    public static Problem warning(String origin, String message) {
        return new Problem(false, Reason.MAP_INVALID, origin, message);
    }

    /** {@code path:3: message}, the form compilers use, on one line (the message may quote the map). */
    public String render() {
        return OneLine.of(origin + ": " + message);
    }
}
