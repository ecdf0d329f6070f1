package dev.kimen.vault;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a vault keeps about a secret beside its value (kimen-vault/v3): string fields by name.
 * kimen reads {@code expires}; fields it does not know (a newer kimen's) are kept as they are, so a
 * rewrite loses nothing.
 */
public final class SecretMeta {
    public static final SecretMeta NONE = new SecretMeta(Map.of());

    /** How close an expiry date is when {@code secret list} and {@code doctor} start to warn. */
    public static final int WARN_DAYS = 14;

    static final String EXPIRES = "expires";

    private final Map<String, String> fields;

    public SecretMeta(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    public Map<String, String> fields() {
        return fields;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The last day the secret is good for, when one is set. */
    public Optional<LocalDate> expires() {
        String text = fields.get(EXPIRES);
        try {
            return text == null ? Optional.empty() : Optional.of(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // refused when read (SecretMeta.parseDate); never written
        }
    }

    /** These fields with {@code expires} set to {@code date}, or removed when it is null. */
    public SecretMeta withExpires(LocalDate date) {
        var changed = new TreeMap<>(fields);
        if (date == null) {
            changed.remove(EXPIRES);
        } else {
            changed.put(EXPIRES, date.toString());
        }
        return new SecretMeta(changed);
    }

    /** Where an expiry date stands on {@code today}. */
    public enum Due {
        NONE, LATER, SOON, EXPIRED;

        public String word() {
            return switch (this) {
                case NONE -> "none";
                case LATER -> "ok";
                case SOON -> "expiring";
                case EXPIRED -> "expired";
            };
        }
    }

    /** Expired after the day it names; due soon within {@link #WARN_DAYS} days of it. */
    public Due due(LocalDate today) {
        return expires().map(date -> date.isBefore(today) ? Due.EXPIRED
                : ChronoUnit.DAYS.between(today, date) <= WARN_DAYS ? Due.SOON : Due.LATER).orElse(Due.NONE);
    }

    /** "api.token expired on 2026-11-30 (2 days ago)", or "… expires on … (in 5 days)" when due soon; else empty. */
    public Optional<String> warning(String name, LocalDate today) {
        Due due = due(today);
        if (due != Due.EXPIRED && due != Due.SOON) {
            return Optional.empty();
        }
        LocalDate date = expires().orElseThrow();
        long days = Math.abs(ChronoUnit.DAYS.between(today, date));
        String when = days == 0 ? "today" : due == Due.EXPIRED ? days + (days == 1 ? " day ago" : " days ago")
                : "in " + days + (days == 1 ? " day" : " days");
        return Optional.of(name + (due == Due.EXPIRED ? " expired on " : " expires on ") + date + " (" + when + ")");
    }

    /** A date as {@code secret set --expires} takes it: YYYY-MM-DD. */
    public static LocalDate parseDate(String text, String what) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw KimenException.of(Reason.USAGE, what + " must be a date as YYYY-MM-DD, not " + printable(text),
                    "e.g. " + what + " 2027-01-31");
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e…]", "?") + "'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretMeta m && m.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
