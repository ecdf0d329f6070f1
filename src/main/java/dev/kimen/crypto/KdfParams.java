package dev.kimen.crypto;

/**
 * Argon2id cost parameters as stored in a vault header.
 *
 * @param memoryKib memory in KiB
 * @param passes number of passes (t)
 * @param parallelism number of lanes (p)
 */
public record KdfParams(int memoryKib, int passes, int parallelism) {
    /** Upstream Kimen's parameters: 64 MiB, 3 passes, 4 lanes. */
    public static final KdfParams DEFAULT = new KdfParams(65536, 3, 4);

    /**
     * Bounds on what a header may ask for. The derivation runs before a file can be authenticated,
     * so these numbers are whoever wrote the file's: kimen and upstream Kimen write only
     * {@link #DEFAULT}, and the bounds leave it 16 times the room (at most 1 GiB and 16 passes, some
     * seconds of work) while a planted file cannot make kimen allocate gigabytes or spin for minutes.
     */
    public static final int MAX_MEMORY_KIB = 1024 * 1024;
    public static final int MAX_PASSES = 16;
    public static final int MAX_PARALLELISM = 16;

    /** Whether Argon2 accepts these and they are within the bounds above. */
    public boolean isAcceptable() {
        return parallelism >= 1 && parallelism <= MAX_PARALLELISM
                && passes >= 1 && passes <= MAX_PASSES
                && memoryKib >= 8 * parallelism && memoryKib <= MAX_MEMORY_KIB;
    }

    // Written out: a record's own equals and hashCode are bootstrapped through method handles on
    // first use, which cost a session `run` (VaultKey.fits) some 10 ms of a cold JVM.
    @Override
    public boolean equals(Object o) {
        return o instanceof KdfParams k && k.memoryKib == memoryKib && k.passes == passes && k.parallelism == parallelism;
    }

    @Override
    public int hashCode() {
        return (memoryKib * 31 + passes) * 31 + parallelism;
    }
}
