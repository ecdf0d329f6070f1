package dev.kimen.session;

import dev.kimen.fs.PrivateFiles;
import dev.kimen.session.Protocol.Done;
import dev.kimen.session.Protocol.Failed;
import dev.kimen.session.Protocol.Forget;
import dev.kimen.session.Protocol.Get;
import dev.kimen.session.Protocol.Key;
import dev.kimen.session.Protocol.Launch;
import dev.kimen.session.Protocol.Lock;
import dev.kimen.session.Protocol.Message;
import dev.kimen.session.Protocol.NoKey;
import dev.kimen.session.Protocol.Printed;
import dev.kimen.session.Protocol.Put;
import dev.kimen.session.Protocol.RunPlan;
import dev.kimen.session.Protocol.State;
import dev.kimen.session.Protocol.Status;
import dev.kimen.session.Protocol.Stop;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The session daemon: holds vault keys in memory ({@link HeldKeys}) and answers one request per
 * connection on the socket of its {@link SessionDir}, from processes of its own user only.
 *
 * <p>It holds {@code daemon.lock} for its whole life, so a second daemon started at the same
 * moment finds it taken and leaves, and a socket left by a daemon that died is known to be stale
 * and replaced. Once a second it forgets expired keys, and it exits when its socket is removed
 * or replaced (a deleted session dir leaves no daemon behind).
 */
public final class SessionDaemon {
    static final Duration CONNECTION_LIMIT = Duration.ofSeconds(5);
    /** No longer than {@code session.sock}, so {@link SessionDir#prepare()}'s length check covers it too. */
    private static final String TEMP_SOCKET = "session.tmp";

    private final SessionDir where;
    private final FileChannel lock;
    private final ServerSocketChannel server;
    private final Object socketId;
    private final HeldKeys keys;
    private final RunPlanner planner;
    private static final int PLANS_AT_ONCE = 2;
    private final java.util.concurrent.Semaphore planning = new java.util.concurrent.Semaphore(PLANS_AT_ONCE);
    private final PeerCheck peers = PeerCheck.forThisProcess();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("kimen-session-sweep").unstarted(r));

    private SessionDaemon(SessionDir where, FileChannel lock, ServerSocketChannel server, Object socketId, Clock clock,
                          RunPlanner planner) {
        this.where = where;
        this.planner = planner;
        this.lock = lock;
        this.server = server;
        this.socketId = socketId;
        this.keys = new HeldKeys(clock);
    }

    /**
     * Takes the daemon lock and listens on the socket: bound under a temporary name, made 0600,
     * then renamed into place, so it is never reachable with a wider mode. Empty when another
     * daemon holds the lock.
     *
     * @param planner plans the native client's runs ({@link RunPlan}); null: the client is always told to start the JVM
     */
    public static Optional<SessionDaemon> open(SessionDir where, Clock clock, RunPlanner planner) throws IOException {
        where.prepare();
        FileChannel lock = FileChannel.open(where.lockFile(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
        if (!tryLock(lock)) {
            lock.close();
            return Optional.empty();
        }
        Path temp = where.dir().resolve(TEMP_SOCKET);
        Files.deleteIfExists(temp);
        Files.deleteIfExists(where.socket()); // we hold the lock: whatever is there belongs to a dead daemon
        var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(temp));
        Files.setPosixFilePermissions(temp, PrivateFiles.FILE_MODE);
        Files.move(temp, where.socket(), StandardCopyOption.ATOMIC_MOVE);
        var daemon = new SessionDaemon(where, lock, server, socketId(where.socket()), clock, planner);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::removeSocket)); // SIGTERM leaves no socket
        return Optional.of(daemon);
    }

    /** Whether this process took the lock; a daemon of this very JVM holding it counts as another one. */
    private static boolean tryLock(FileChannel lock) throws IOException {
        try {
            return lock.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /**
     * Loads (reads, without initialising) every class a request can reach, now, from the jar the
     * daemon started from. The daemon lives for hours; a jar rewritten in place meanwhile (a
     * rebuild) would otherwise make the first request that needs a not-yet-loaded class fail,
     * leaving a daemon that cannot answer. Run plans ({@link RunPlan}) reach far more (the command
     * line, maps, the vault) and are not preloaded: once the jar has changed, the daemon plans no
     * more runs ({@link #plan}), and the client starts the JVM of the new jar instead.
     */
    public static void preload() throws IOException {
        Path jar = jar();
        if (jar == null) {
            return; // classes in a directory (tests): nothing can rewrite them under a running daemon
        }
        ClassLoader loader = SessionDaemon.class.getClassLoader();
        try (var zip = new java.util.jar.JarFile(jar.toFile())) {
            for (String name : zip.stream().map(java.util.zip.ZipEntry::getName).toList()) {
                if (name.endsWith(".class") && PRELOADED.stream().anyMatch(name::startsWith)) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        throw new IOException("cannot load " + name + " from " + jar, e);
                    }
                }
            }
        }
    }

    /** The jar this daemon's classes come from, or null (a directory, in tests, or unknown). */
    private static Path jar() {
        try {
            Path location = Path.of(SessionDaemon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The jar's size and modification time: changed by a rebuild or an upgrade. */
    private static Object jarStamp() {
        Path jar = jar();
        try {
            return jar == null ? null : List.of(Files.size(jar), Files.getLastModifiedTime(jar));
        } catch (IOException e) {
            return "gone";
        }
    }

    private static final Object JAR_STAMP = jarStamp();

    /** What the daemon's requests use, as class-file name prefixes. */
    private static final List<String> PRELOADED = List.of("dev/kimen/session/", "dev/kimen/vault/VaultKey",
            "dev/kimen/crypto/SecretBytes", "dev/kimen/crypto/KdfParams", "dev/kimen/text/", "dev/kimen/fs/PrivateFiles",
            "dev/kimen/KimenException", "dev/kimen/Reason");

    /** Answers requests until {@code session stop}, or until the socket is gone. */
    public void serve() {
        sweeper.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        if (planner != null) {
            Thread.ofVirtual().name("kimen-warm-up").start(() -> {
                try {
                    planner.warmUp(where.dir());
                } catch (RuntimeException | Error e) {
                    // only a head start: the first real plan loads what this did not
                }
            });
        }
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return; // stopped
            } catch (IOException e) {
                continue;
            }
            Thread.ofVirtual().start(() -> serveOne(channel));
        }
    }

    private void serveOne(SocketChannel channel) {
        try (channel; var deadline = new Deadline(channel, CONNECTION_LIMIT)) {
            if (!peers.sameUser(channel)) {
                return; // another user: not one byte
            }
            Message request = Protocol.read(channel);
            if (request instanceof RunPlan plan) {
                answerPlan(channel, plan);
                return;
            }
            Message response = answer(request);
            try {
                Protocol.write(channel, response);
            } finally {
                Protocol.discard(response); // a key or an item: zeroed once sent
            }
            if (request instanceof Stop) {
                shutdown();
            }
        } catch (IOException e) {
            // a client that broke off or spoke nonsense gets nothing; the daemon carries on
        }
    }

    private Message answer(Message request) {
        return switch (request) {
            case Status s -> new State(keys.status(), keys.itemCount());
            case Get g -> keys.use(g.vault()).<Message>map(Key::new).orElseGet(NoKey::new);
            case Put p -> {
                keys.put(p.vault(), p.key(), p.ttl());
                yield new Done(1);
            }
            case Forget f -> new Done(keys.forget(f.vault()));
            case Protocol.GetItem g -> keys.item(g.keyring(), g.name()).<Message>map(v -> {
                try (v) {
                    return new Protocol.Item(v.reveal());
                }
            }).orElseGet(NoKey::new);
            case Protocol.PutItem p -> {
                try {
                    yield new Done(keys.putItem(p.keyring(), p.name(), p.value()) ? 1 : 0);
                } finally {
                    Protocol.discard(p);
                }
            }
            case Protocol.ForgetItem f -> new Done(keys.forgetItem(f.keyring(), f.name()));
            case Lock l -> new Done(keys.forgetAll());
            case Stop s -> {
                int count = keys.forgetAll();
                removeSocket(); // before answering: `session status` right after `stop` finds no daemon
                yield new Done(count);
            }
            default -> {
                Protocol.discard(request);
                yield new Failed("not a request");
            }
        };
    }

    /**
     * The native client's command: run with the keys held here and sent as a {@link Launch} or
     * {@link Printed}, or {@link Failed}, on which the client starts the JVM, which does the
     * command (and reports any error) itself. Whatever goes
     * wrong in planning, even running out of memory, costs the client only that detour, never the
     * daemon; and at most {@link #PLANS_AT_ONCE} plans share its small heap (a burst of runs from
     * {@code make -j} takes the JVM for the rest).
     */
    private void answerPlan(SocketChannel channel, RunPlan request) throws IOException {
        Optional<RunPlanner.Answer> planned = Optional.empty();
        String refusal = "not a command the daemon runs";
        if (planner == null) {
            refusal = "this daemon plans no runs";
        } else if (!Objects.equals(JAR_STAMP, jarStamp())) {
            refusal = "kimen changed since this daemon started"; // its code would mix with the new jar's
        } else if (FILE_SYSTEM_VIEW == null || !FILE_SYSTEM_VIEW.equals(request.where())) {
            refusal = "the client sees another file system";
        } else if (!planning.tryAcquire()) {
            refusal = "busy";
        } else {
            try {
                planned = planner.plan(new RunPlanner.Request(request.program(), Path.of(request.cwd()), request.args(),
                        environment(request.env()), request.terminals(), request.parentPid()), keys);
            } catch (RuntimeException | Error e) {
                refusal = "could not plan the run";
            } finally {
                planning.release();
            }
        }
        if (planned.isEmpty()) {
            Protocol.write(channel, new Failed(refusal));
        } else if (planned.get() instanceof RunPlanner.Launch launch) {
            Protocol.write(channel, new Launch(launch.program().toString(), launch.argv(),
                    launch.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), launch.notes()));
        } else if (planned.get() instanceof RunPlanner.Printed printed) {
            try {
                Protocol.write(channel, new Printed(printed.notes(), printed.out()));
            } finally {
                java.util.Arrays.fill(printed.out(), (byte) 0);
            }
        }
    }

    /** The client's {@code NAME=value} entries; the first of a name wins, as getenv(3) finds it. */
    private static java.util.Map<String, String> environment(List<String> entries) {
        var env = new java.util.LinkedHashMap<String, String>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * This process's view of the file system: its mount namespace and the device and inode of
     * its root, as the native client writes its own ({@code mnt:[4026531840] 2049:2}); null when
     * /proc cannot tell. The daemon plans only for a client that sees the same files.
     */
    static String fileSystemView() {
        try {
            Path root = Path.of("/");
            return Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")) + " " + Files.getAttribute(root, "unix:dev")
                    + ":" + Files.getAttribute(root, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final String FILE_SYSTEM_VIEW = fileSystemView();

    private void sweep() {
        try {
            keys.forgetExpired();
            if (!Objects.equals(socketId, socketId(where.socket()))) {
                shutdown();
            }
        } catch (RuntimeException | Error e) {
            // a failed sweep (out of memory, say) must not cancel the schedule: the next one tries again
        }
    }

    private void shutdown() {
        sweeper.shutdown(); // else it outlives serve(), sweeping once a second for the life of the JVM
        keys.forgetAll();
        removeSocket();
        try {
            server.close(); // ends serve()
            lock.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }

    /** Removes the socket if it is still ours (a newer daemon may have replaced it). */
    private void removeSocket() {
        if (Objects.equals(socketId, socketId(where.socket()))) {
            try {
                Files.deleteIfExists(where.socket());
            } catch (IOException e) {
                // gone already, or its dir is: nothing to clean
            }
        }
    }

    /** The socket file's identity (device and inode), or null when there is none. */
    private static Object socketId(Path socket) {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null; // none there
        }
    }
}
