package dev.kimen.session;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A session's idle TTL as users write it: {@code 30s}, {@code 15m}, {@code 8h}, {@code 7d}, plain seconds; {@code 0} never expires. */
public final class Ttl {
    public static final String FORMS = "30s, 15m, 8h, 7d, plain seconds, or 0 for no expiry";
    static final Duration MAX = Duration.ofDays(366);
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd]?)");

    private Ttl() {}

    /** Parses {@code text}; {@link Duration#ZERO} means no expiry. */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw KimenException.of(Reason.USAGE, "--ttl takes " + FORMS);
        }
        long n = Long.parseLong(m.group(1));
        Duration ttl = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (ttl.compareTo(MAX) > 0) {
            throw KimenException.of(Reason.USAGE, "--ttl is at most 366d; use 0 for no expiry");
        }
        return ttl;
    }

    /** The shortest of the accepted forms that says exactly {@code ttl}: 900 s is {@code 15m}. */
    public static String format(Duration ttl) {
        long s = ttl.toSeconds();
        if (s == 0) {
            return "0";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
