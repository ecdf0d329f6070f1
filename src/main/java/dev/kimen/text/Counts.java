package dev.kimen.text;

/** A number of things in an English message: "1 secret", "3 secrets". */
public final class Counts {
    private Counts() {}

    /** {@code n} and {@code noun}, with an s unless {@code n} is 1 (every noun kimen counts takes one). */
    public static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
