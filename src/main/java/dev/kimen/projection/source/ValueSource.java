package dev.kimen.projection.source;

import dev.kimen.process.HelperCommand;
import java.util.List;

/**
 * Where a projected value comes from: {@code secret:<name>} or a bare {@code <name>} (a vault key),
 * {@code const:<literal>}, or {@code exec:<command...>} (run without a shell, stdout is the value).
 * {@code keyring:<name>} (an OS keyring item), and, in mima groups only, a bare name that is read
 * from mima's store ({@link Stored}).
 */
public sealed interface ValueSource {
    /** How the source is written in a map, for plans and messages. Never a value from the vault. */
    String describe();

    record Secret(String name) implements ValueSource {
        @Override
        public String describe() {
            return "secret:" + name;
        }
    }

    /** A literal from the map itself: not secret, but plans still show only its kind. */
    record Const(String literal) implements ValueSource {
        @Override
        public String describe() {
            return "const";
        }
    }

    record Exec(List<String> argv) implements ValueSource {
        @Override
        public String describe() {
            return "exec:" + String.join(" ", argv);
        }
    }

    /** An OS keyring item, stored by {@code secret set --store keyring} or {@code mima secret add}. */
    record Keyring(String name) implements ValueSource {
        @Override
        public String describe() {
            return "keyring:" + name;
        }
    }

    /**
     * A bare name in a mima group: an item of mima's store, where {@code mima secret add} puts it:
     * the OS keyring, or the vault when the user chose it ({@code mima config store vault}).
     */
    record Stored(String name) implements ValueSource {
        @Override
        public String describe() {
            return name;
        }
    }

    static ValueSource parse(String text) {
        if (text.startsWith("keyring:")) {
            return new Keyring(text.substring("keyring:".length()));
        }
        if (text.startsWith("secret:")) {
            return new Secret(text.substring("secret:".length()));
        }
        if (text.startsWith("const:")) {
            return new Const(text.substring("const:".length()));
        }
        if (text.startsWith("exec:")) {
            return new Exec(HelperCommand.split(text.substring("exec:".length())));
        }
        return new Secret(text);
    }
}
