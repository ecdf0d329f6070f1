package dev.kimen.process;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment kimen hands to anything it starts: its own, minus the variables that carry
 * unlock material. A passphrase given to kimen must never reach the command it runs, nor an
 * {@code exec:} source written in a (possibly committed) map.
 */
public final class ChildEnv {
    /** The passphrase of the vault (DESIGN §2). */
    public static final String PASSPHRASE = "KIMEN_PASSPHRASE";
    /** The new passphrase of {@code vault rekey}. */
    public static final String NEW_PASSPHRASE = "KIMEN_NEW_PASSPHRASE";
    public static final Set<String> HIDDEN = Set.of(PASSPHRASE, NEW_PASSPHRASE);

    private ChildEnv() {}

    public static Map<String, String> of(Map<String, String> env) {
        var out = new HashMap<>(env);
        out.keySet().removeAll(HIDDEN);
        return out;
    }
}
