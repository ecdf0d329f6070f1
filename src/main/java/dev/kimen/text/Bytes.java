package dev.kimen.text;

/** Searching byte arrays (values and file contents that must not become Strings). */
public final class Bytes {
    private Bytes() {}

    /** The index of the first {@code b} at or after {@code from}, or -1. */
    public static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
