package dev.kimen.broker;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.process.NativeLibrary;
import dev.kimen.projection.run.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code run --isolate-network} (Linux): the command starts in user and network namespaces of its
 * own whose only way out is the broker's proxy ({@code kimen-netns}, src/main/native), so a
 * program that ignores the proxy variables reaches nothing. Where that cannot be had (no
 * unprivileged user namespaces, not Linux, no C compiler at build time) the run is refused
 * ({@code isolation_unavailable}, 26), never started unisolated.
 */
public final class NetworkIsolation {
    private NetworkIsolation() {}

    /** The helper, after a probe that it can make the namespaces here; else the refusal. */
    public static Path require() {
        Path helper = NativeLibrary.executable("kimen-netns").orElseThrow(() -> refused(
                "kimen-netns was not built (it needs Linux and a C compiler when kimen is built)"));
        try {
            Process probe = new ProcessBuilder(helper.toString(), "--probe").redirectErrorStream(true).start();
            probe.getOutputStream().close();
            String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                probe.destroyForcibly();
                throw refused(why.isEmpty() ? "the namespaces could not be made" : why);
            }
            return helper;
        } catch (IOException e) {
            throw refused("cannot start " + helper + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("interrupted");
        }
    }

    /** {@code command} as {@code helper} starts it, the proxy at 127.0.0.1:{@code port} inside. */
    public static List<String> wrap(Path helper, int port, List<String> command, String path, Path cwd) {
        var wrapped = new ArrayList<String>(List.of(helper.toString(), Integer.toString(port),
                Runner.resolve(command.getFirst(), path, cwd).toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    private static KimenException refused(String why) {
        return KimenException.of(Reason.ISOLATION_UNAVAILABLE, "--isolate-network: " + why,
                "run without --isolate-network: the proxy variables still send brokered values only to their hosts");
    }
}
