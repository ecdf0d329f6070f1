package dev.kimen.projection.envfile;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.text.Utf8;
import java.io.ByteArrayOutputStream;

/**
 * How an envfile writes one {@code NAME=value} line. Each format quotes for the reader it is
 * named after, so that reader gives back every value byte for byte, or refuses the value rather
 * than corrupting it.
 */
public enum EnvfileFormat {
    /**
     * POSIX shell: {@code NAME='value'}, a {@code '} written as {@code '\''}. {@code set -a; . file}
     * in sh, bash or zsh gives back any value without NUL: newlines, quotes, {@code $}, backticks,
     * backslashes, {@code #} and spaces all stay literal inside single quotes.
     */
    DOTENV {
        @Override
        void writeValue(String name, byte[] value, ByteArrayOutputStream out) {
            out.write('\'');
            for (byte b : value) {
                if (b == '\'') {
                    out.writeBytes(new byte[] {'\'', '\\', '\'', '\''});
                } else {
                    out.write(b);
                }
            }
            out.write('\'');
        }
    },
    /**
     * {@code docker run --env-file}: {@code NAME=value} taken literally to the end of the line,
     * quotes included. It has no way to carry a newline, so such values are refused.
     */
    DOCKER {
        @Override
        void writeValue(String name, byte[] value, ByteArrayOutputStream out) {
            for (byte b : value) {
                if (b == '\n' || b == '\r') {
                    throw KimenException.of(Reason.INVALID_VALUE, "the value for " + name
                            + " has a line break, which docker's --env-file cannot carry",
                            "use the dotenv format, or project it as a file");
                }
            }
            out.writeBytes(value);
        }
    },
    /**
     * systemd {@code EnvironmentFile=}: {@code NAME="value"}, with {@code \} and {@code "} escaped
     * by a backslash; a newline inside double quotes is part of the value.
     */
    SYSTEMD {
        @Override
        void writeValue(String name, byte[] value, ByteArrayOutputStream out) {
            out.write('"');
            for (byte b : value) {
                if (b == '"' || b == '\\') {
                    out.write('\\');
                }
                out.write(b);
            }
            out.write('"');
        }
    };

    abstract void writeValue(String name, byte[] value, ByteArrayOutputStream out);

    /** sh reads bytes; docker and systemd read text and reject (or drop) lines that are not UTF-8. */
    boolean needsUtf8() {
        return this != DOTENV;
    }

    /** Appends {@code NAME=<quoted value>} and a newline. */
    public void writeLine(String name, byte[] value, ByteArrayOutputStream out) {
        for (byte b : value) {
            if (b == 0) {
                throw KimenException.of(Reason.INVALID_VALUE, "the value for " + name
                        + " contains a NUL byte, which no envfile can carry", "project it as a file instead");
            }
        }
        if (needsUtf8() && !Utf8.isValid(value)) {
            throw KimenException.of(Reason.INVALID_VALUE, "the value for " + name + " is not UTF-8 text, which "
                    + name().toLowerCase(java.util.Locale.ROOT) + " envfiles cannot carry", "use the dotenv format, or project it as a file");
        }
        out.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write('=');
        writeValue(name, value, out);
        out.write('\n');
    }
}
