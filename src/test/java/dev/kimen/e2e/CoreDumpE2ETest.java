package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crashed kimen leaves no core dump of the secrets it held (issue 22): with {@code ulimit -c
 * unlimited}, a {@code run} killed by SIGABRT while its command runs writes no core (and no
 * hs_err file) into the working directory. A control process (a plain {@code sleep}, killed the
 * same way in the same directory) shows that this machine does write cores there; where it does
 * not (a core_pattern piped elsewhere, a hard limit of 0), the test is skipped.
 */
class CoreDumpE2ETest {
    private static final String PASS = "e2e core dump passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    @Test
    void aCrashedRunDumpsNoCore() throws Exception {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
        Path control = Files.createDirectories(tmp.resolve("control"));
        Process sleeper = unlimitedCores(control, Map.of("PATH", System.getenv("PATH")), "sleep", "30");
        Await.until(() -> sleeper.isAlive(), () -> "the control to start");
        abort(sleeper.pid());
        assertEquals(134, exit(sleeper), "SIGABRT");
        Assumptions.assumeTrue(!cores(control).isEmpty(), "this machine writes no core into the working directory");

        Path work = kimen.home();
        Process run = unlimitedCores(work, kimen.env(), Kimen.LAUNCHER.toString(), "run", "--env",
                "TOKEN=" + Canary.NAME, "--", "sleep", "30");
        long child = waitForChild(run.pid());
        abort(run.pid());
        assertEquals(134, exit(run), "kimen itself was aborted, with its command running");
        Await.until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true),
                () -> "the kernel to end the command of the aborted kimen (parent-death signal)");
        assertEquals(List.of(), cores(work), "a core of a kimen that held secrets");
    }

    /** Starts {@code command} in {@code dir} with core dumps unlimited, in a session of its own. */
    private static Process unlimitedCores(Path dir, Map<String, String> env, String... command) throws IOException {
        var argv = new java.util.ArrayList<>(List.of("bash", "-c", "ulimit -c unlimited && exec setsid \"$@\"", "bash"));
        argv.addAll(List.of(command));
        var pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Files the crash left in {@code dir}: cores, and the JVM's hs_err report. */
    private static List<Path> cores(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("core")
                    || f.getFileName().toString().startsWith("hs_err")).toList();
        }
    }

    private static void abort(long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-ABRT", Long.toString(pid)).start().waitFor());
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not end");
        return p.exitValue();
    }

    /** The pid of {@code parent}'s first child, once it has one. */
    private static long waitForChild(long parent) throws Exception {
        long[] found = {0};
        Await.until(() -> {
            found[0] = ProcessHandle.of(parent).stream().flatMap(ProcessHandle::children)
                    .filter(c -> c.info().command().map(cmd -> cmd.endsWith("sleep")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
            return found[0] != 0;
        }, () -> "kimen to start its command");
        return found[0];
    }
}
