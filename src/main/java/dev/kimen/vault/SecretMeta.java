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
            return Optional.empty(); // refused when a vault is read (VaultCodec); never written
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
        return Optional.of(name + (due == Due.EXPIRED ? " expired on " : " expires on ") + date + " (" + when(date, today) + ")");
    }

    /** "today", "in 5 days", "2 days ago". */
    public static String when(LocalDate date, LocalDate today) {
        long days = ChronoUnit.DAYS.between(today, date);
        long n = Math.abs(days);
        String count = n + (n == 1 ? " day" : " days");
        return days == 0 ? "today" : days > 0 ? "in " + count : count + " ago";
    }

    /**
     * What {@code --expires} says: a date as YYYY-MM-DD, or null for {@code never}. The text is
     * not repeated in the error: a value typed in the wrong place must not reach a log.
     */
    public static LocalDate parseExpiry(String text) {
        if (text.equals("never")) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw KimenException.of(Reason.USAGE, "--expires takes a date as YYYY-MM-DD, or never",
                    "e.g. --expires 2027-01-31");
        }
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
