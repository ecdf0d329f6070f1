package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code run} that is killed never leaves its command or its secret files behind (issue 22):
 * a signal the JVM would die of without a word (SIGUSR1, SIGALRM, …) is handed to the command,
 * and kimen cleans up when it ends; a kimen killed outright (SIGKILL) has its command ended by
 * the kernel (a parent-death signal, set by kimen-exec) and its files dir swept by the next run.
 */
class KilledRunE2ETest {
    private static final String PASS = "e2e killed run passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    private Kimen kimen;

    @BeforeEach
    void vault() throws java.io.IOException {
        // files dirs of its own: any kimen run of this user elsewhere (another test run) would sweep a dead run's
        Path runtime = Files.createDirectories(tmp.resolve("run"));
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS).with("XDG_RUNTIME_DIR", runtime.toString());
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
    }

    /** A run of {@code sleep 30} with the canary in a projected file, and where its files are. */
    private record Started(Kimen.Running run, Path filesDir, ProcessHandle command) {}

    private Started start() throws Exception {
        Path marker = tmp.resolve("files-dir");
        Kimen.Running run = kimen.start(null, "run", "--file", "token.txt=" + Canary.NAME, "--", "sh", "-c",
                "printf %s \"$KIMEN_FILES_DIR\" > '" + marker + "'; exec sleep 30");
        Await.until(() -> Files.exists(marker) && marker.toFile().length() > 0, () -> "the command to start");
        Path dir = Path.of(Files.readString(marker));
        assertTrue(Files.isRegularFile(dir.resolve("token.txt")), "the projected file");
        ProcessHandle[] command = {null};
        Await.until(() -> (command[0] = ProcessHandle.of(run.process().pid()).stream().flatMap(ProcessHandle::children)
                .filter(c -> c.info().command().map(x -> x.endsWith("sleep")).orElse(false)).findFirst()
                .orElse(null)) != null, () -> "sleep");
        return new Started(run, dir, command[0]);
    }

    @ParameterizedTest
    @CsvSource({"USR1, 10", "ALRM, 14", "TERM, 15"})
    void aSignalKimenWouldDieOfIsHandedToTheCommandAndTheFilesGo(String signal, int number) throws Exception {
        Started s = start();
        kill(signal, s.run().process().pid());
        assertEquals(128 + number, s.run().finish().exit(), "the command's status: it got the signal");
        assertFalse(s.command().isAlive(), "no command left running");
        assertFalse(Files.exists(s.filesDir()), "the files went with the run");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KILL"})
    void aKimenKilledOutrightTakesItsCommandAlongAndTheNextRunSweepsItsFiles(String signal) throws Exception {
        Started s = start();
        kill(signal, s.run().process().pid());
        assertEquals(137, s.run().finish().exit());
        Await.until(() -> !s.command().isAlive(), () -> "the kernel to end the command (parent-death signal)");
        assertTrue(Files.exists(s.filesDir()), "no one could clean up after a SIGKILL");

        kimen.run("run", "--file", "x.txt=const:x", "--", "true").ok(); // the next run that makes a files dir
        assertFalse(Files.exists(s.filesDir()), "the next run swept the dead run's files");
        assertFalse(Files.exists(s.filesDir().resolveSibling(s.filesDir().getFileName() + ".lock")));
    }

    private static void kill(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }
}
