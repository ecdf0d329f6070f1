package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.VaultKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real daemon in this JVM on a real socket, driven by the real client: DESIGN §3's
 * start/status/lock/stop, the key scoped by vault path and file salt, and the daemon's exits.
 */
class SessionDaemonTest {
    private static final KdfParams PARAMS = new KdfParams(1024, 1, 1);
    private static final Path VAULT = Path.of("/home/u/vault.kv");
    /** Only a bound against hanging: the daemon's sweep runs once a second. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private final List<Thread> serving = new ArrayList<>();
    private final List<SessionDir> started = new ArrayList<>();

    /** Opens a daemon on {@code where} and serves it on a thread of its own. */
    Thread serve(SessionDir where) throws IOException {
        return serve(where, null);
    }

    Thread serve(SessionDir where, RunPlanner planner) throws IOException {
        SessionDaemon daemon = SessionDaemon.open(where, Clock.systemUTC(), planner).orElseThrow();
        started.add(where);
        Thread thread = Thread.ofPlatform().name("test-daemon").start(daemon::serve);
        serving.add(thread);
        return thread;
    }

    SessionClient started() throws IOException {
        SessionDir where = new SessionDir(tmp.resolve("s"), "test");
        serve(where);
        return new SessionClient(where);
    }

    @AfterEach
    void stopEveryDaemon() throws InterruptedException {
        for (SessionDir where : started) {
            new SessionClient(where).stop();
        }
        for (Thread thread : serving) {
            thread.join(PATIENCE);
        }
    }

    static byte[] salt(int fill) {
        byte[] salt = new byte[16];
        Arrays.fill(salt, (byte) fill);
        return salt;
    }

    static byte[] raw(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return raw;
    }

    static VaultKey key(int fill, byte[] salt) {
        return VaultKey.of(SecretBytes.adopt(raw(fill)), PARAMS, salt);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                fail("not within " + PATIENCE + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /** One raw request and its answer, as the native client sends and reads them. */
    static Protocol.Message ask(SessionDir where, Protocol.Message request) throws IOException {
        try (Connection c = Connection.open(where.socket(), false)) {
            Protocol.write(c, request);
            return Protocol.read(c);
        }
    }

    @Test
    void runPlansAreMadeOnlyForTheDaemonsOwnFileSystemViewAndTwoAtATime() throws Exception {
        var gate = new java.util.concurrent.CountDownLatch(1);
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        RunPlanner planner = new RunPlanner() {
            @Override
            public Optional<RunPlanner.Answer> plan(RunPlanner.Request request, Held keys) {
                calls.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return Optional.of(new Launch(Path.of("/bin/true"), List.of("true", request.cwd().toString(),
                        request.program(), String.valueOf(request.terminals()), String.valueOf(request.parentPid())), request.env(), "note"));
            }

            @Override
            public void warmUp(Path scratch) {}
        };
        SessionDir where = new SessionDir(tmp.resolve("s"), "test");
        serve(where, planner);
        started.add(where);
        String here = SessionDaemon.fileSystemView();
        assertNotNull(here);
        assertTrue(here.matches("mnt:\\[\\d+] \\d+:\\d+"), here);
        var plan = new Protocol.RunPlan(here, "mima", 5, 77, "/w", List.of("run"), List.of("A=1", "B=2=3", "A=shadowed", "junk"));

        assertEquals(new Protocol.Failed("the client sees another file system"),
                ask(where, new Protocol.RunPlan("mnt:[1] 0:0", "kimen", 0, 1, "/w", List.of("run"), List.of())));
        assertEquals(0, calls.get(), "planned for a client in another mount namespace or root");

        try (var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var first = clients.submit(() -> ask(where, plan));
            var second = clients.submit(() -> ask(where, plan));
            await("two plans under way", () -> calls.get() == 2);
            assertEquals(new Protocol.Failed("busy"), ask(where, plan), "a third plan at once");
            gate.countDown();
            var launch = new Protocol.Launch("/bin/true", List.of("true", "/w", "mima", "5", "77"), List.of("A=1", "B=2=3"), "note");
            assertEquals(launch, first.get());
            assertEquals(launch, second.get());
            assertEquals(launch, ask(where, plan), "the slots are free again");
        }
    }

    @Test
    void aNewDaemonHoldsNothing() throws IOException {
        assertEquals(Optional.of(List.of()), started().status());
    }

    @Test
    void startHandsTheKeyToTheDaemonWhichGivesItBackForTheSameFile() throws IOException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
            assertArrayEquals(raw(1), key.key().reveal()); // the caller's key is still its own
        }
        List<HeldVault> held = client.status().orElseThrow();
        assertEquals(1, held.size());
        assertEquals(VAULT.toString(), held.getFirst().path());
        assertEquals(Duration.ofMinutes(15), held.getFirst().ttl());
        assertNotNull(held.getFirst().expires());
        for (int i = 0; i < 2; i++) { // each answer is a copy: closing one leaves the daemon's
            try (VaultKey back = client.keyFor(VAULT, PARAMS, salt(1)).orElseThrow()) {
                assertArrayEquals(raw(1), back.key().reveal());
                assertTrue(back.fits(PARAMS, salt(1)));
            }
        }
    }

    @Test
    void ttlZeroIsHeldWithoutExpiry() throws IOException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ZERO, key);
        }
        HeldVault held = client.status().orElseThrow().getFirst();
        assertEquals(Duration.ZERO, held.ttl());
        assertNull(held.expires());
    }

    @Test
    void aKeyForAnotherSaltIsNotGivenAndIsForgotten() throws IOException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        assertEquals(Optional.empty(), client.keyFor(VAULT, PARAMS, salt(2))); // the vault was rekeyed
        assertEquals(Optional.of(List.of()), client.status());
        assertEquals(Optional.empty(), client.keyFor(VAULT, PARAMS, salt(1)));
    }

    @Test
    void aKeyForOtherKdfParamsIsNotGivenAndIsForgotten() throws IOException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        assertEquals(Optional.empty(), client.keyFor(VAULT, new KdfParams(2048, 1, 1), salt(1)));
        assertEquals(Optional.of(List.of()), client.status());
    }

    @Test
    void keysAreScopedByVaultPath() throws IOException {
        SessionClient client = started();
        Path other = Path.of("/home/u/other.kv");
        try (VaultKey a = key(1, salt(1)); VaultKey b = key(2, salt(2))) {
            client.start(VAULT, Duration.ofMinutes(15), a);
            client.start(other, Duration.ofHours(1), b);
        }
        assertEquals(Optional.empty(), client.keyFor(Path.of("/home/u/third.kv"), PARAMS, salt(1)));
        try (VaultKey back = client.keyFor(other, PARAMS, salt(2)).orElseThrow()) {
            assertArrayEquals(raw(2), back.key().reveal());
        }
        try (VaultKey back = client.keyFor(VAULT, PARAMS, salt(1)).orElseThrow()) {
            assertArrayEquals(raw(1), back.key().reveal());
        }
        assertEquals(2, client.status().orElseThrow().size());
        client.forget(other);
        assertEquals(List.of(VAULT.toString()), client.status().orElseThrow().stream().map(HeldVault::path).toList());
    }

    @Test
    void lockForgetsEveryKeyAndKeepsRunning() throws IOException {
        SessionClient client = started();
        try (VaultKey a = key(1, salt(1)); VaultKey b = key(2, salt(2))) {
            client.start(VAULT, Duration.ofMinutes(15), a);
            client.start(Path.of("/other.kv"), Duration.ofMinutes(15), b);
        }
        assertEquals(Optional.of(2), client.lock());
        assertEquals(Optional.of(List.of()), client.status());
        assertEquals(Optional.empty(), client.keyFor(VAULT, PARAMS, salt(1)));
        assertEquals(Optional.of(0), client.lock());
    }

    @Test
    void aSecondDaemonOnTheSameDirLeaves() throws IOException {
        SessionClient client = started();
        Object socket = Files.readAttributes(client.where().socket(), "unix:ino").get("ino");
        assertEquals(Optional.empty(), SessionDaemon.open(client.where(), Clock.systemUTC(), null));
        assertEquals(socket, Files.readAttributes(client.where().socket(), "unix:ino").get("ino"));
        assertEquals(Optional.of(List.of()), client.status()); // the first still answers
    }

    @Test
    void stopForgetsEndsServeAndRemovesTheSocket() throws IOException, InterruptedException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        assertEquals(Optional.of(1), client.stop());
        assertFalse(Files.exists(client.where().socket(), LinkOption.NOFOLLOW_LINKS));
        Thread thread = serving.getFirst();
        await("serve() returns after stop", () -> !thread.isAlive());
        assertEquals(Optional.empty(), client.status());
        assertEquals(Optional.empty(), client.stop());

        serve(client.where()); // the lock is free again: a new daemon starts, holding nothing
        assertEquals(Optional.of(List.of()), client.status());
    }

    @Test
    void socketAndDirAreForThisUserOnly() throws IOException {
        SessionClient client = started();
        assertEquals(PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(client.where().socket(), LinkOption.NOFOLLOW_LINKS));
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(client.where().dir()));
        assertTrue(Files.readAttributes(client.where().socket(), "unix:mode").get("mode") instanceof Integer mode
                && (mode & 0170000) == 0140000, "a socket");
    }

    @Test
    void aDeletedSocketEndsTheDaemon() throws IOException, InterruptedException {
        SessionClient client = started();
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        Files.delete(client.where().socket());
        Thread thread = serving.getFirst();
        await("the daemon exits once its socket is gone", () -> !thread.isAlive());
        serve(client.where()); // and leaves the lock free
        assertEquals(Optional.of(List.of()), client.status());
    }

    @Test
    void theSweeperEndsWithTheDaemon() throws IOException, InterruptedException {
        Set<Thread> before = sweepers();
        SessionClient client = started();
        assertTrue(client.status().isPresent());
        Set<Thread> ours = new HashSet<>(sweepers());
        ours.removeAll(before);
        assertEquals(1, ours.size(), "one sweeper per daemon");
        Thread sweeper = ours.iterator().next();
        client.stop();
        await("the sweeper ends with the daemon", () -> !sweeper.isAlive());
    }

    static Set<Thread> sweepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("kimen-session-sweep"))
                .collect(Collectors.toSet());
    }

    /** Without kimen's JNI helper (no C compiler where it was built) the client talks through the JDK's channel. */
    @Test
    void theJdkChannelServesAClientWithoutTheNativeHelper() throws IOException {
        SessionDir where = new SessionDir(tmp.resolve("s"), "test");
        serve(where);
        var client = new SessionClient(where, false);
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        try (VaultKey back = client.keyFor(VAULT, PARAMS, salt(1)).orElseThrow()) {
            assertTrue(back.fits(PARAMS, salt(1)));
        }
        assertEquals(1, client.stop().orElseThrow());
    }

    /** The daemon binds a temporary name before renaming it into place; that name must fit too. */
    @Test
    void aDaemonListensInTheLongestDirPrepareAccepts() throws IOException {
        String name = "d".repeat(SessionDir.MAX_SOCKET_PATH_BYTES - tmp.toString().length() - 1 - "/session.sock".length());
        SessionDir where = new SessionDir(tmp.resolve(name), "test");
        assertEquals(SessionDir.MAX_SOCKET_PATH_BYTES, where.socket().toString().length());
        serve(where);
        var client = new SessionClient(where);
        try (VaultKey key = key(1, salt(1))) {
            client.start(VAULT, Duration.ofMinutes(15), key);
        }
        assertEquals(1, client.status().orElseThrow().size());
    }
}
