package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The shells the hook supports, and how each quotes a word. */
public enum Shell {
    BASH, ZSH, FISH;

    public static Shell named(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw KimenException.of(Reason.USAGE, "kimen does not know the shell '" + name + "'",
                    "one of: bash, zsh, fish");
        }
    }

    /**
     * {@code value} as one word in single quotes, which every byte survives. In bash and zsh only
     * {@code '} needs care ({@code '\''}); in fish, {@code \} and {@code '} are escaped with {@code \}.
     */
    public void quote(byte[] value, ByteArrayOutputStream out) {
        out.write('\'');
        for (byte b : value) {
            if (b == '\'') {
                out.writeBytes(this == FISH ? new byte[] {'\\', '\''} : new byte[] {'\'', '\\', '\'', '\''});
            } else if (b == '\\' && this == FISH) {
                out.writeBytes(new byte[] {'\\', '\\'});
            } else {
                out.write(b);
            }
        }
        out.write('\'');
    }

    public String quote(String value) {
        var out = new ByteArrayOutputStream();
        quote(value.getBytes(StandardCharsets.UTF_8), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The hook's code for {@code eval} (fish: {@code | source}), calling back {@code launcher}.
     *
     * @param program kimen or mima, as the user knows the command
     */
    public String hook(String program, String launcher) {
        String name = "hook." + name().toLowerCase(Locale.ROOT);
        try (InputStream in = Shell.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@KIMEN@", quote(launcher))
                    .replace("@PROGRAM@", program);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
