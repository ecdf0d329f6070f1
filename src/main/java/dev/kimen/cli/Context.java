package dev.kimen.cli;

import dev.kimen.audit.AccessLog;
import dev.kimen.config.Config;
import dev.kimen.config.UserDirs;
import dev.kimen.session.SessionClient;
import dev.kimen.term.Terminal;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a command may touch of the outside world. {@code Main} builds it from the real process;
 * tests build it with their own streams and environment.
 */
public final class Context {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Terminal terminal;
    private final Path cwd;
    private Config config;
    private List<String> args = List.of();
    private HandOff handOff; // set when the session daemon runs a command for the native client (FastRun)
    private long parentPid; // 0: this process's parent; else the native client's, whose command the daemon runs
    private Clock clock; // null: the system's, looked up when first needed (the time zone costs a start some 7 ms)

    public Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                   Terminal terminal, Path cwd) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
        this.cwd = cwd;
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    public Terminal terminal() {
        return terminal;
    }

    public Path cwd() {
        return cwd;
    }

    /**
     * The working directory as the shell names it ({@code $PWD}, symlinks kept) when that is the
     * same directory, else {@link #cwd()}: walking up from it finds what the shell hook finds.
     */
    public Path logicalCwd() {
        String pwd = env.get("PWD");
        try {
            if (pwd != null && pwd.startsWith("/") && java.nio.file.Files.isSameFile(Path.of(pwd), cwd)) {
                return Path.of(pwd).normalize();
            }
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            // $PWD is stale or odd: the real directory it is
        }
        return cwd;
    }

    public UserDirs dirs() {
        return UserDirs.from(env);
    }

    public Path configFile() {
        return Config.pathFor(dirs());
    }

    /** The user's config, read once per command. */
    public Config config() {
        if (config == null) {
            config = Config.load(configFile());
        }
        return config;
    }

    /** This user's session daemon (which may not be running). */
    public SessionClient session() {
        return SessionClient.of(env, dirs());
    }

    /**
     * The OS keyring (the caller closes it). With a session, through it
     * ({@link dev.kimen.session.SessionKeyring}): the items it holds come from it, and what is
     * read is held there for the session. In the daemon, only what it holds.
     */
    public dev.kimen.keyring.Keyring keyring() {
        String id = dev.kimen.keyring.Keyrings.id(env);
        if (handOff != null) {
            return handOff.keyring(id);
        }
        if (id == null) {
            return dev.kimen.keyring.Keyrings.open(env); // it says why there is no keyring
        }
        return new dev.kimen.session.SessionKeyring(session(), id, () -> dev.kimen.keyring.Keyrings.open(env));
    }

    /** {@code path} made absolute against the working directory. */
    public Path resolve(String path) {
        return cwd.resolve(path).toAbsolutePath().normalize();
    }

    /** The command line being run ({@link Cli} sets it), for the access log. */
    void commandLine(String[] args) {
        this.args = List.of(args);
    }

    /**
     * Notes in the access log, when the user's config turns it on, that this command read the
     * secrets {@code names}: the time, the command line up to its {@code --}, the working
     * directory, the names. A log that cannot be written is warned about; the command goes on.
     */
    public void recordAccess(java.util.Collection<String> names) {
        if (handOff == null) {
            writeAccess(names);
        } else if (!names.isEmpty()) { // VaultLookup records again, empty, when closed a second time
            handOff.accessed(names); // written once the run is sure to be handed to the client
        }
    }

    /** @return false when the log was to be written and could not be (warned about) */
    boolean writeAccess(java.util.Collection<String> names) {
        if (names.isEmpty()) {
            return true;
        }
        int dashes = args.indexOf("--");
        return appendAccess(() -> new AccessLog.Entry(java.time.Instant.now(),
                AccessLog.commandLine(dashes < 0 ? args : args.subList(0, dashes)),
                cwd.toString(), names.stream().distinct().sorted().toList()));
    }

    /** Appends the line to the access log when the user's config has it on; false (warned about) when it could not be. */
    private boolean appendAccess(java.util.function.Supplier<AccessLog.Line> line) {
        try {
            if (config().accessLog()) {
                AccessLog.append(AccessLog.file(dirs().kimenDataDir()), line.get());
            }
            return true;
        } catch (RuntimeException e) {
            warn("could not write the access log: " + e.getMessage());
            return false;
        }
    }

    /**
     * Notes in the access log, when the user's config turns it on, a request of a run's credential
     * broker: the secret, host, method, path without its query, and whether it went through.
     */
    public void recordBrokered(String secret, String host, String method, String path, String decision) {
        appendAccess(() -> new AccessLog.BrokerRequest(java.time.Instant.now(), secret, host, method, path, decision));
    }

    /** Today in the user's time zone: the day expiry dates are judged against. */
    public LocalDate today() {
        if (handOff != null && env.containsKey("TZ")) {
            dev.kimen.process.Confinement.check("the client's time zone"); // the daemon's may not be it
        }
        return LocalDate.now(clock != null ? clock : Clock.systemDefaultZone());
    }

    /** The run being planned for the native client, or null (a command run the usual way). */
    HandOff handOff() {
        return handOff;
    }

    Context handOff(HandOff handOff) {
        this.handOff = handOff;
        return this;
    }

    /** The process that started this command (the shell, usually), if it is still there. */
    public java.util.Optional<ProcessHandle> parentProcess() {
        return parentPid == 0 ? ProcessHandle.current().parent() : ProcessHandle.of(parentPid);
    }

    Context parentPid(long pid) {
        this.parentPid = pid;
        return this;
    }

    /** For tests: the clock {@link #today()} reads. */
    Context clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public void warn(String message) {
        err.println(Cli.program() + ": warning: " + dev.kimen.text.OneLine.of(ErrorRenderer.forProgram(message)));
    }
}
