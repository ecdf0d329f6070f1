package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.session.Protocol.Failed;
import dev.kimen.session.Protocol.Launch;
import dev.kimen.session.Protocol.Message;
import dev.kimen.session.Protocol.RunPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client (src/main/native/kimen_fastrun.c), built here with AddressSanitizer and
 * UBSan, against a daemon played by this test: it speaks {@link Protocol} as the Java side reads
 * and writes it, execs a Launch, and for anything else (no socket, a refusal, a frame cut short,
 * corrupted or oversized) execs the JVM command it was given, here {@code /bin/echo FALLBACK},
 * without ever reading out of bounds.
 */
class FastrunClientTest {
    private static final Path SOURCE = Path.of("src/main/native/kimen_fastrun.c").toAbsolutePath();
    /** What the client was given as the JVM's command line: 2 words. */
    private static final List<String> JVM = List.of("/bin/echo", "FALLBACK");
    private static final List<String> KIMEN_ARGS = List.of("run", "--env", "X=app.token", "--", "true");
    private static final Launch LAUNCH = new Launch("/bin/sh", List.of("sh", "-c", "echo \"LAUNCHED $X\""),
            List.of("X=the value", "PATH=/usr/bin:/bin"), "kimen: warning: a note\n");

    @TempDir static Path build;
    static Path client;

    @TempDir Path dir;
    ServerSocketChannel server;
    final List<Message> requests = new CopyOnWriteArrayList<>();
    /** The daemon's answer to each connection, as raw bytes. */
    volatile Supplier<byte[]> answer;

    @BeforeAll
    static void compile() throws Exception {
        client = build.resolve("kimen-fastrun");
        var cc = new ProcessBuilder("cc", "-O1", "-g", "-Wall", "-Werror", "-fsanitize=address,undefined",
                "-fno-sanitize-recover=all", "-o", client.toString(), SOURCE.toString()).redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), out);
    }

    @BeforeEach
    void listen() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("session.sock")));
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try (SocketChannel c = server.accept()) {
                    requests.add(Protocol.read(c));
                    c.write(ByteBuffer.wrap(answer.get()));
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** The daemon's answer to every connection: {@code message}, framed. */
    private static Supplier<byte[]> answering(Message message) {
        try {
            byte[] frame = ProtocolTest.frame(message);
            return () -> frame;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Outcome(int exit, String out, String err) {
        boolean launched() {
            return out.startsWith("LAUNCHED ");
        }

        boolean fellBack() {
            return fellBack(KIMEN_ARGS);
        }

        boolean fellBack(List<String> args) {
            return out.equals("FALLBACK " + String.join(" ", args) + "\n");
        }
    }

    Outcome runClient(Map<String, String> extraEnv) throws Exception {
        return runClient(KIMEN_ARGS, extraEnv);
    }

    Outcome runClient(List<String> args, Map<String, String> extraEnv) throws Exception {
        var command = new ArrayList<String>(List.of(client.toString(), "mima", String.valueOf(JVM.size())));
        command.addAll(JVM);
        command.addAll(args);
        var pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("KIMEN_SESSION_DIR", dir.toString());
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=0"); // exec ends the process; there is no exit to check leaks at
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        p.getOutputStream().close();
        var err = new ByteArrayOutputStream();
        Thread drain = Thread.ofPlatform().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        drain.join();
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertFalse(stderr.contains("Sanitizer") || stderr.contains("runtime error"), stderr);
        return new Outcome(exit, out, stderr);
    }

    @Test
    void aLaunchIsExecdWithItsEnvironmentAfterItsNotes() throws Exception {
        byte[] launch = ProtocolTest.frame(LAUNCH);
        answer = () -> launch;
        Outcome o = runClient(Map.of("CLIENT_VAR", "from the client"));
        assertEquals(new Outcome(0, "LAUNCHED the value\n", "kimen: warning: a note\n"), o);

        RunPlan request = assertInstanceOf(RunPlan.class, requests.getFirst());
        assertEquals(SessionDaemon.fileSystemView(), request.where(), "the client and the daemon name one view alike");
        assertEquals(dir.toRealPath().toString(), request.cwd());
        assertEquals(KIMEN_ARGS, request.args());
        assertEquals("mima", request.program());
        assertEquals(0, request.terminals(), "no descriptor of the test's process is a terminal");
        assertEquals(ProcessHandle.current().pid(), request.parentPid());
        assertTrue(request.env().contains("CLIENT_VAR=from the client"), request.env().toString());
    }

    @Test
    void whatACommandPrintedIsWrittenByteForByteAndTheClientExitsZero() throws Exception {
        byte[] printed = ProtocolTest.frame(new Protocol.Printed("mima: warning: a note\n", "export X='a\0b'\n".getBytes(StandardCharsets.UTF_8)));
        answer = () -> printed;
        List<String> args = List.of("env", "g");
        assertEquals(new Outcome(0, "export X='a\0b'\n", "mima: warning: a note\n"), runClient(args, Map.of()));
        assertEquals(args, assertInstanceOf(RunPlan.class, requests.getFirst()).args());
    }

    @Test
    void onlyRunEnvSecretGetAndTheHooksLoadAskTheDaemon() throws Exception {
        answer = answering(new Failed("no"));
        for (List<String> args : List.of(List.of("secret", "set", "x"), List.of("secret"), List.of("hook", "bash"),
                List.of("group", "list"), List.of("--version"))) {
            assertTrue(runClient(args, Map.of()).fellBack(args), args.toString());
        }
        assertEquals(0, requests.size(), "asked the daemon about " + requests);
        for (List<String> args : List.of(List.of("run", "--", "true"), List.of("env", "g"), List.of("secret", "get", "x"),
                List.of("hook", "zsh", "--load", "/p/.mima.yaml"), List.of("hook", "fish", "--load=/p/.mima.yaml"))) {
            assertTrue(runClient(args, Map.of()).fellBack(args), args.toString());
        }
        assertEquals(5, requests.size());
    }

    @Test
    void everythingElseExecsTheJvmCommandUnchanged() throws Exception {
        answer = answering(new Failed("not a plain run"));
        assertTrue(runClient(Map.of()).fellBack());
        assertEquals(1, requests.size());

        assertTrue(runClient(Map.of("KIMEN_FASTRUN", "off")).fellBack());
        assertEquals(1, requests.size(), "KIMEN_FASTRUN=off still asked the daemon");

        Files.delete(dir.resolve("session.sock"));
        assertTrue(runClient(Map.of()).fellBack(), "no socket");
        assertTrue(runClient(Map.of("KIMEN_SESSION_DIR", "relative/dir")).fellBack());
    }

    @Test
    void framesCutShortCorruptedOrTooLongNeverCrashIt() throws Exception {
        framesCutShortCorruptedOrTooLongFallBack(ProtocolTest.frame(LAUNCH), "LAUNCHED");
        framesCutShortCorruptedOrTooLongFallBack(ProtocolTest.frame(new Protocol.Printed("n", "PRINTED".getBytes(
                StandardCharsets.UTF_8))), "n");
    }

    private void framesCutShortCorruptedOrTooLongFallBack(byte[] launch, String aString) throws Exception {
        List<byte[]> refused = new ArrayList<>();
        for (int n = 0; n < launch.length; n++) {
            refused.add(Arrays.copyOf(launch, n));
        }
        refused.add(ByteBuffer.allocate(8).putInt(Protocol.MAX_PAYLOAD + 1).putInt(0x0145_0000).array());
        refused.add(ByteBuffer.allocate(8).putInt(-1).putInt(0).array());
        byte[] trailing = Arrays.copyOf(launch, launch.length + 1);
        ByteBuffer.wrap(trailing).putInt(0, launch.length - 3);
        refused.add(trailing);
        byte[] nul = launch.clone();
        nul[new String(launch, StandardCharsets.ISO_8859_1).indexOf(aString)] = 0; // a NUL inside a string
        refused.add(nul);
        for (byte[] a : refused) {
            answer = () -> a;
            Outcome o = runClient(Map.of());
            assertTrue(o.fellBack(), a.length + " bytes: " + o);
        }
        // random corruption: whatever it decodes to, no read out of bounds (the sanitizers watch every run)
        var random = new Random(9);
        for (int i = 0; i < 200; i++) {
            byte[] mutated = launch.clone();
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            answer = () -> mutated;
            runClient(Map.of());
        }
    }
}
