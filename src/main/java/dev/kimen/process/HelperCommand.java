package dev.kimen.process;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a helper command (a passphrase command, an {@code exec:} source) without a shell: the
 * command line is split on whitespace and started directly. Its stdout is the result; its stderr
 * goes to the user; its stdin is empty so it cannot eat kimen's own input.
 */
public final class HelperCommand {
    private HelperCommand() {}

    /** Splits a command line into fields on runs of whitespace. */
    public static List<String> split(String commandLine) {
        String trimmed = commandLine.strip();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    }

    /**
     * Runs {@code argv} and returns everything it wrote to stdout.
     *
     * @param what how to name the command in errors, e.g. "passphrase command"
     * @param failure the reason reported when it cannot start or exits non-zero
     */
    public static byte[] run(List<String> argv, String what, Reason failure) {
        Confinement.check("a " + what); // the daemon starts no program of the user's
        if (argv.isEmpty()) {
            throw KimenException.of(Reason.USAGE, what + " is empty");
        }
        Process process;
        try {
            var builder = new ProcessBuilder(argv);
            builder.environment().keySet().removeAll(ChildEnv.HIDDEN);
            process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw KimenException.of(failure, "cannot start " + what + " '" + argv.get(0) + "': "
                    + (e.getMessage() != null && e.getMessage().contains("No such file") ? "not found" : "not runnable"),
                    "the command runs without a shell; give a program on PATH or an absolute path");
        }
        try (var stdout = process.getInputStream()) {
            byte[] out = stdout.readAllBytes();
            int status = process.waitFor();
            if (status != 0) {
                Arrays.fill(out, (byte) 0);
                throw KimenException.of(failure, what + " '" + argv.get(0) + "' exited with status " + status);
            }
            return out;
        } catch (IOException e) {
            throw KimenException.wrap(failure, "cannot read the output of " + what + " '" + argv.get(0) + "'", e);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw KimenException.of(failure, what + " '" + argv.get(0) + "' was interrupted");
        }
    }
}
