package dev.kimen;

/**
 * The one failure type. Raised where the reason is known, with a one-line message that never
 * holds a secret value and an optional hint telling the user what to do next.
 */
public final class KimenException extends RuntimeException {
    private final Reason reason;
    private final String hint;

    private KimenException(Reason reason, String message, String hint, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.hint = hint;
    }

    public static KimenException of(Reason reason, String message) {
        return new KimenException(reason, message, null, null);
    }

    public static KimenException of(Reason reason, String message, String hint) {
        return new KimenException(reason, message, hint, null);
    }

    public static KimenException wrap(Reason reason, String message, Throwable cause) {
        return new KimenException(reason, message, null, cause);
    }

    public static KimenException wrap(Reason reason, String message, String hint, Throwable cause) {
        return new KimenException(reason, message, hint, cause);
    }

    public Reason reason() {
        return reason;
    }

    /** What to do about it, or null. */
    public String hint() {
        return hint;
    }
}
