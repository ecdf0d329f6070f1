package dev.kimen.shell;

import dev.kimen.crypto.ClearableBuffer;
import dev.kimen.projection.profile.EnvNames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What the hook evaluates after a change: calls of the helpers its static part defines
 * ({@code _kimen_set}, {@code _kimen_fn}, …), each argument quoted for the shell. The same call
 * reads the same in bash, zsh and fish; only the quoting differs. In compat mode it holds
 * secrets, so it lives in a buffer that is cleared after writing.
 */
public final class LoadScript implements AutoCloseable {
    private final Shell shell;
    private final ClearableBuffer out = new ClearableBuffer(8192);

    public LoadScript(Shell shell) {
        this.shell = shell;
    }

    /**
     * Exports {@code name}; leaving puts back what was there before. False, and nothing written,
     * for a name that is not a variable name or is the hook's own ({@code _kimen…}): a dotenv file
     * or a flake must not rewrite what leaving runs.
     */
    public boolean set(String name, byte[] value) {
        if (!settable(name)) {
            return false;
        }
        call("_kimen_set", name);
        out.write(' ');
        shell.quote(value, out);
        out.write('\n');
        return true;
    }

    /** Whether a project may set {@code name}: a variable name that {@link RefusedVariables} allows. */
    public static boolean settable(String name) {
        return EnvNames.isValid(name) && RefusedVariables.allows(name);
    }

    /** Puts {@code dirs} in front of PATH, in this order. */
    public void pathAdd(List<Path> dirs) {
        if (!dirs.isEmpty()) {
            call("_kimen_path", dirs.stream().map(Path::toString).toArray(String[]::new));
            out.write('\n');
        }
    }

    /** Makes {@code group} a function that runs its arguments with the group from {@code config}. */
    public void function(String group, Path config) {
        call("_kimen_fn", group, config.toString());
        out.write('\n');
    }

    /** Asks the hook to watch {@code file} against {@code stamp} ("" for a file that was not there). */
    public void watch(Path file, String stamp) {
        call("_kimen_watch", file.toString(), stamp);
        out.write('\n');
    }

    /** What was loaded, for the next reload to compare with (it decides whether to say anything). */
    public void status(String status) {
        call("_kimen_status", status);
        out.write('\n');
    }

    public void writeTo(OutputStream stream) throws IOException {
        out.writeTo(stream);
        stream.flush();
    }

    private void call(String helper, String... args) {
        out.writeBytes(helper.getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            out.write(' ');
            shell.quote(a.getBytes(StandardCharsets.UTF_8), out);
        }
    }

    @Override
    public void close() {
        out.clear();
    }
}
