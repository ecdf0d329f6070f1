package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Where a command that writes secrets puts them, by {@code --out}: a regular file (0600, replaced
 * atomically), checked before any work so a FIFO, device, socket or directory at the path is
 * refused with nothing done; or {@code -}, stdout, which must not be a terminal.
 */
final class Outputs {
    private Outputs() {}

    /**
     * The file {@code out} names, or null for {@code -} (stdout). {@code what} names the output in
     * errors ("an envfile").
     */
    static Path target(Context ctx, String out, boolean json, String what) {
        Path target = file(ctx, out);
        if (target != null) {
            return target;
        }
        if (json) {
            throw KimenException.of(Reason.USAGE, "--json needs --out <file>: stdout would hold " + what + " and the report");
        }
        if (ctx.terminal().isTerminal(1)) {
            throw KimenException.of(Reason.REFUSED_TTY, "refusing to print " + what + " to a terminal",
                    "write a file with --out <path>, or pipe it");
        }
        return null;
    }

    /**
     * The file {@code out} names, checked to be one kimen may replace; null for none or {@code -}
     * (stdout), which the caller checks on its own terms.
     */
    static Path file(Context ctx, String out) {
        if (out == null || out.equals("-")) {
            return null;
        }
        Path target = ctx.resolve(out);
        PrivateFiles.requireWritable(target);
        return target;
    }

    /** Writes {@code bytes} to {@code target}, or to stdout when it is null. */
    static void write(Context ctx, Path target, byte[] bytes) {
        if (target != null) {
            PrivateFiles.write(target, bytes);
            return;
        }
        try {
            ctx.out().write(bytes);
            ctx.out().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
