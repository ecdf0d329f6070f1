package dev.kimen.e2e;

/** sh snippets that report on the shell running them, for tests of how kimen starts a command. */
final class ShellProbe {
    /**
     * Prints the shell's own {@code SigBlk:} line, read by the shell itself. Not {@code grep SigBlk
     * /proc/$$/status}: dash blocks every signal around the fork of a command, so a grep it starts
     * can read the parent's mask while it is all ones (seen in 183 of 300 runs here).
     */
    static final String BLOCKED_SIGNALS =
            "while read -r l; do case $l in SigBlk*) echo \"$l\";; esac; done < /proc/$$/status";

    private ShellProbe() {}
}
