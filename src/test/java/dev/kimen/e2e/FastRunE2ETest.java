package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: with a session, {@code bin/kimen run} goes through the native client
 * (src/main/native/kimen_fastrun.c), which has the daemon plan the run and execs the command with
 * no JVM started. The command is then kimen's own process (its {@code $$} is the PID the test
 * started, as with {@code run --exec}); whatever needs more than an exec, or any error, is the
 * JVM's, with the JVM's output and exit code.
 */
class FastRunE2ETest {
    private static final String PASS = "e2e fast run passphrase";
    private static final String VALUE = "fast-run-e2e-value-2b71";
    /** Prints the value, the shell's PID, its blocked signals and its open descriptors. */
    private static final String PROBE = "echo \"$X\"; echo $$; " + ShellProbe.BLOCKED_SIGNALS + "; ls /proc/$$/fd";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;
    Kimen kimen;

    @BeforeEach
    void setUp() {
        kimen = Kimen.in(tmp.resolve("home"), LOG);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("app.token", VALUE.getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stopDaemon() {
        kimen.run("session", "stop");
        Daemons.killAll(kimen.home().resolve(".cache/kimen"));
    }

    private void startSession() {
        kimen.runWithStdin(PASS + "\n", "session", "start", "--stdin").ok();
    }

    /** The probe's lines, and whether its shell had the PID the test started (the command replaced kimen). */
    private record Probe(List<String> lines, boolean samePid) {}

    private static Probe probe(Kimen who, String... options) {
        var args = new java.util.ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        args.addAll(List.of("--env", "X=app.token", "--", "sh", "-c", PROBE));
        Kimen.Running running = who.start(null, args.toArray(String[]::new));
        List<String> lines = running.finish().ok().lines();
        return new Probe(lines, lines.get(1).equals(String.valueOf(running.process().pid())));
    }

    @Test
    void withASessionThePlainRunIsTheCommandItselfStartedAsFromAShell() {
        startSession();
        Probe fast = probe(kimen);
        assertEquals(VALUE, fast.lines().get(0));
        assertTrue(fast.samePid(), "the command did not replace the client: " + fast.lines());
        assertEquals("SigBlk:\t0000000000000000", fast.lines().get(2));
        assertEquals(List.of("0", "1", "2"), fast.lines().subList(3, fast.lines().size()), "descriptors left open");

        Probe jvm = probe(kimen.with("KIMEN_FASTRUN", "off"));
        assertEquals(VALUE, jvm.lines().get(0));
        assertTrue(!jvm.samePid(), "KIMEN_FASTRUN=off still took the fast path");
    }

    @Test
    void withoutASessionOrWithAPassphraseInTheEnvironmentTheJvmRuns() {
        kimen.run("run", "--env", "X=app.token", "--", "true").failsHumanly(23);
        Probe byPassphrase = probe(kimen.with("KIMEN_PASSPHRASE", PASS));
        assertEquals(VALUE, byPassphrase.lines().get(0));
        assertTrue(!byPassphrase.samePid());
        startSession();
        kimen.with("KIMEN_PASSPHRASE", "wrong").run("run", "--json", "--env", "X=app.token", "--", "true")
                .failsWith(23, "wrong_passphrase"); // the chain's order: the environment before the session
    }

    @Test
    void exitStatusesAndSignalsAreTheCommandsOwn() throws Exception {
        startSession();
        assertEquals(7, kimen.run("run", "--env", "X=app.token", "--", "sh", "-c", "exit 7").exit());
        assertEquals(143, kimen.run("run", "--env", "X=app.token", "--", "sh", "-c", "kill -TERM $$").exit());
        Path marker = tmp.resolve("marker");
        Kimen.Running running = kimen.with("MARKER", marker.toString()).start(null, "run", "--env", "X=app.token", "--",
                "sh", "-c", "trap 'echo got USR1 >> \"$MARKER\"; exit 42' USR1; echo $$ > \"$MARKER.tmp\"; mv \"$MARKER.tmp\" \"$MARKER\"; while :; do sleep 0.1; done");
        for (int i = 0; i < 600 && !Files.exists(marker); i++) {
            Thread.sleep(50); // waiting for the command to start, not timing anything
        }
        long command = Long.parseLong(Files.readAllLines(marker).getFirst());
        try {
            // USR1, which the JVM's run does not forward (it would die of it): only the command itself can catch it
            assertEquals(0, new ProcessBuilder("kill", "-USR1", String.valueOf(running.process().pid())).start().waitFor());
            assertEquals(42, running.finish().exit());
            assertTrue(Files.readString(marker).contains("got USR1"));
        } finally {
            ProcessHandle.of(command).ifPresent(ProcessHandle::destroyForcibly); // left running if the JVM had died instead
        }
    }

    @Test
    void runsThatNeedMoreThanAnExecAndErrorsAreTheJvmsAsWithoutTheFastPath() throws Exception {
        startSession();
        var withFile = kimen.start(null, "run", "--file", "t=app.token", "--", "sh", "-c", "cat \"$KIMEN_FILES_DIR/t\"; echo; echo $$");
        List<String> lines = withFile.finish().ok().lines();
        assertEquals(VALUE, lines.get(0));
        assertNotEquals(String.valueOf(withFile.process().pid()), lines.get(1), "a file projection needs kimen to stay");
        assertEquals("<kimen:X>", kimen.run("run", "--mask", "--env", "X=app.token", "--", "sh", "-c", "echo $X").ok().out().strip());

        Kimen off = kimen.with("KIMEN_FASTRUN", "off");
        for (String[] args : List.of(new String[] {"run", "--env", "X=app.token", "--", "no-such-command-x7"},
                new String[] {"run", "--json", "--env", "X=no.such.secret", "--", "true"},
                new String[] {"run", "--no-such-option", "--", "true"},
                new String[] {"run", "--env", "X=const:a", "--env", "X=app.token", "--", "true"})) {
            Kimen.Result fast = kimen.run(args);
            Kimen.Result jvm = off.run(args);
            assertEquals(jvm.exit(), fast.exit(), fast.describe());
            assertEquals(jvm.stderr(), fast.stderr(), "the same message, once");
            assertEquals(jvm.out(), fast.out());
        }
        assertTrue(kimen.run("run", "--env", "X=const:a", "--env", "X=app.token", "--", "true").stderr()
                .startsWith("kimen: warning: "), "the plan's warning reaches stderr");
    }

    @Test
    void aLargeEnvironmentAndArgumentsPassIntact() {
        startSession();
        String big = "b".repeat(60_000);
        Kimen who = kimen;
        for (int i = 0; i < 4; i++) {
            who = who.with("BIG_" + i, big + i);
        }
        String odd = "ünï \"quoted\" $HOME `x` \\ '";
        Kimen.Running running = who.start(null, "run", "--env", "X=app.token", "--", "sh", "-c",
                "echo \"$X\"; echo $$; printf '%s\\n' \"$1\"; echo ${#BIG_3}", "sh", odd);
        List<String> lines = running.finish().ok().lines();
        assertEquals(List.of(VALUE, String.valueOf(running.process().pid()), odd, "60001"), lines);
    }

    /** A launcher wrapper: {@code prelude} (shell lines), then bin/kimen with the arguments. */
    private Kimen wrapped(String name, String prelude) throws IOException {
        Path wrapper = tmp.resolve(name);
        Files.writeString(wrapper, "#!/bin/bash\n" + prelude + "\nexec '" + Kimen.LAUNCHER + "' \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        return kimen.using(wrapper);
    }

    @Test
    void theCommandStartsAsTheJvmsWouldAndAClosedStderrDoesNotStopIt() throws Exception {
        startSession();
        // a descriptor left open by whatever started kimen (a make jobserver, a lock): not the command's
        Probe probe = probe(wrapped("with-fd-7", "exec 7</dev/null"));
        assertTrue(probe.samePid());
        assertEquals(List.of("0", "1", "2"), probe.lines().subList(3, probe.lines().size()), "descriptor 7 reached the command");

        // a script without a #! line runs through /bin/sh, as the JDK (and execvp) run it; in a non-ASCII directory
        Path dir = Files.createDirectories(kimen.home().resolve("prøve ü"));
        Path script = dir.resolve("no-shebang");
        Files.writeString(script, "echo \"script $X $$\"\n");
        script.toFile().setExecutable(true);
        Kimen.Running running = kimen.at(dir).start(null, "run", "--env", "X=app.token", "--", "./no-shebang");
        assertEquals("script " + VALUE + " " + running.process().pid(), running.finish().ok().out().strip());

        // stderr a pipe whose reader has gone, and a warning to write there: the command still runs
        Kimen gone = wrapped("stderr-gone", "exec 2> >(exit 0); sleep 0.3");
        Kimen.Result result = gone.run("run", "--env", "X=const:a", "--env", "X=app.token", "--", "sh", "-c", "echo \"$X\"");
        assertEquals(0, result.exit(), result.describe());
        assertEquals(VALUE, result.out().strip());
    }

    /**
     * A socket at the session's path that answers nonsense (as a daemon of another kimen version
     * might): the client gives up on it and the JVM does the run.
     */
    @Test
    void aDaemonThatAnswersNonsenseOnlyCostsTheDetour() throws Exception {
        Path dir = Files.createDirectories(kimen.home().resolve(".cache/kimen"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("session.sock")));
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    try (SocketChannel c = server.accept()) {
                        c.read(ByteBuffer.allocate(4096));
                        c.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 3, 1, 69, 0}));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Probe probe = probe(kimen.with("KIMEN_PASSPHRASE", PASS));
            assertEquals(VALUE, probe.lines().get(0));
            assertTrue(!probe.samePid(), "the JVM did the run");
        }
    }

    /**
     * Issue 25: with a session, {@code env}, {@code secret get}, a group's or a project profile's
     * run and the hook's load of kimen and mima start no JVM (the daemon runs them for the native client), and say and do
     * exactly what the JVM does: the same stdout, stderr, exit status and access-log entries, run
     * both ways here and compared; an untrusted project's refusal included.
     */
    @Test
    void everydayCommandsOfKimenAndMimaStartNoJvmAndMatchTheJvmByteForByte() throws Exception {
        kimen.with("KIMEN_PASSPHRASE", PASS).withMimaStoreVault();
        kimen.run("config", "access-log", "on").ok();
        kimen.with("KIMEN_PASSPHRASE", PASS).run("group", "link", "g", "X", "app.token").ok(); // a bare name: mima's store
        kimen.with("KIMEN_PASSPHRASE", PASS).run("group", "link", "g", "Y", "const:it's $HOME").ok();
        Path project = Files.createDirectories(tmp.resolve("proj"));
        Files.writeString(project.resolve(".mima.yaml"), "groups:\n  dev:\n    X: app.token\nenv:\n  NODE_ENV: development\n");
        Files.createDirectories(project.resolve(".kimen/profiles"));
        Files.writeString(project.resolve(".kimen/profiles/p.kmap"), "env X=app.token\nenv Y=const:from the profile\n");
        Path untrusted = Files.createDirectories(tmp.resolve("untrusted"));
        Files.writeString(untrusted.resolve(".mima.yaml"), "env:\n  A: b\n");
        kimen.at(project).run("allow", ".").ok();
        startSession();

        Kimen mima = kimen.mima();
        String echo = "printf '%s|%s\\n' \"$X\" \"$Y\"";
        List<Call> calls = List.of(
                new Call(kimen, "env", "g", "--shell", "sh"), new Call(mima, "env", "g", "--shell", "fish"),
                new Call(kimen, "env", "g", "--json"), new Call(kimen, "secret", "get", "app.token"),
                new Call(mima, "secret", "get", "app.token"),
                new Call(kimen, "run", "g", "--", "sh", "-c", echo), new Call(mima, "run", "g", "--", "sh", "-c", echo),
                new Call(kimen.at(project), "run", "--profile", "p", "--", "sh", "-c", echo),
                new Call(kimen, "hook", "bash", "--load", project.resolve(".mima.yaml").toString(), "--previous", ""),
                new Call(mima, "hook", "zsh", "--load", project.resolve(".mima.yaml").toString(), "--previous", ""),
                new Call(kimen, "hook", "bash", "--load", untrusted.resolve(".mima.yaml").toString(), "--previous", ""));
        Path log = kimen.home().resolve(".local/share/kimen/access.log");
        for (Call call : calls) {
            int logged = Files.exists(log) ? Files.readAllLines(log).size() : 0;
            Kimen.Result fast = call.who().run(call.args());
            List<String> fastLog = untimed(Files.readAllLines(log), logged);
            Kimen.Result jvm = call.who().with("KIMEN_FASTRUN", "off").run(call.args());
            List<String> jvmLog = untimed(Files.readAllLines(log), logged + fastLog.size());
            assertEquals(0, jvm.exit(), jvm.describe());
            assertEquals(jvm.exit(), fast.exit(), call + ": " + fast.describe());
            assertEquals(jvm.out(), fast.out(), call + ": stdout");
            assertEquals(jvm.stderr(), fast.stderr(), call + ": stderr");
            assertEquals(jvmLog, fastLog, call + ": access log");

            Path jvms = Files.createDirectories(tmp.resolve("jvms-" + calls.indexOf(call)));
            call.who().with("JAVA_TOOL_OPTIONS", "-Xlog:os=info:file=" + jvms + "/jvm-%p.log").run(call.args()).ok();
            try (var started = Files.list(jvms)) {
                assertEquals(0, started.count(), call + " started a JVM");
            }
        }
        assertTrue(Files.readAllLines(log).stream().filter(l -> l.contains("\"command\":[\"secret\",\"get\",\"app.token\"]")
                && l.endsWith("\"secrets\":[\"app.token\"]}")).count() >= 3, "the fast path logs the read: " + Files.readAllLines(log));
        // the control: the same JAVA_TOOL_OPTIONS does log a JVM's start
        Path control = Files.createDirectories(tmp.resolve("jvms-control"));
        kimen.with("KIMEN_FASTRUN", "off").with("JAVA_TOOL_OPTIONS", "-Xlog:os=info:file=" + control + "/jvm-%p.log")
                .run("secret", "get", "app.token").ok();
        try (var started = Files.list(control)) {
            assertEquals(1, started.count(), "the JVM-start log did not appear: the zeros above prove nothing");
        }
    }

    /** A command line run by {@code who} (bin/kimen or bin/mima). */
    private record Call(Kimen who, String... args) {
        @Override
        public String toString() {
            return who.launcher().getFileName() + " " + String.join(" ", args);
        }
    }

    /** The access log's lines from {@code from} on, each without its time. */
    private static List<String> untimed(List<String> lines, int from) {
        return lines.subList(from, lines.size()).stream().map(l -> l.replaceFirst("^\\{\"time\":\"[^\"]*\",", "{")).toList();
    }
}
