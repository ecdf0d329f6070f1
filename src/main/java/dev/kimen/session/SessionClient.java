package dev.kimen.session;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.session.Protocol.Done;
import dev.kimen.session.Protocol.Failed;
import dev.kimen.session.Protocol.Forget;
import dev.kimen.session.Protocol.Get;
import dev.kimen.session.Protocol.Key;
import dev.kimen.session.Protocol.Lock;
import dev.kimen.session.Protocol.Message;
import dev.kimen.session.Protocol.Put;
import dev.kimen.session.Protocol.State;
import dev.kimen.session.Protocol.Status;
import dev.kimen.session.Protocol.Stop;
import dev.kimen.unlock.SessionKeys;
import dev.kimen.vault.VaultKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This user's session daemon, seen from a command: the session step of the passphrase chain, and
 * what {@code kimen session start|status|lock|stop} ask of it. Each request is one short
 * connection; no daemon listening (none started, or a dead one's socket) simply means "stopped".
 */
public final class SessionClient implements SessionKeys {
    static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

    private final SessionDir where;
    private final boolean useNative;

    public SessionClient(SessionDir where) {
        this(where, true);
    }

    /** @param useNative whether to connect through kimen's JNI helper when it is loaded (tests pass false for the JDK's way) */
    SessionClient(SessionDir where, boolean useNative) {
        this.where = where;
        this.useNative = useNative;
    }

    public static SessionClient of(Map<String, String> env, UserDirs dirs) {
        return new SessionClient(SessionDir.resolve(env, dirs));
    }

    public SessionDir where() {
        return where;
    }

    /**
     * The session step: the key held for this vault when it still fits the file. A key for an
     * older salt (the vault was rekeyed, or replaced) is told to the daemon to forget. A session
     * that cannot answer is skipped: the chain goes on to the next source.
     */
    @Override
    public Optional<VaultKey> keyFor(Path vault, KdfParams params, byte[] salt) {
        Optional<Message> answer;
        try {
            answer = ask(new Get(vault.toString()));
        } catch (KimenException e) {
            return Optional.empty();
        }
        if (answer.isPresent() && answer.get() instanceof Key(VaultKey key)) {
            if (key.fits(params, salt)) {
                return Optional.of(key);
            }
            key.close();
            forget(vault);
        } else {
            answer.ifPresent(Protocol::discard);
        }
        return Optional.empty();
    }

    /** Hands {@code key} to the daemon for {@code vault}, starting the daemon when none runs. */
    public void start(Path vault, Duration ttl, VaultKey key) {
        where.prepare();
        if (ask(new Status()).isEmpty()) {
            DaemonLauncher.launch(where);
        }
        Message answer = ask(new Put(vault.toString(), ttl, key)).orElseThrow(() -> KimenException.of(
                Reason.SESSION_FAILED, "the session daemon stopped before it took the key", "try again"));
        expect(answer, Done.class);
    }

    /** What the daemon holds: its vaults, and how many OS keyring items. */
    public record Holding(List<HeldVault> vaults, int keyringItems) {}

    /** What the daemon holds; empty when no daemon runs. */
    public Optional<Holding> holding() {
        return ask(new Status()).map(answer -> {
            State state = expect(answer, State.class);
            return new Holding(state.vaults(), state.items());
        });
    }

    /** The vaults the daemon holds; empty when no daemon runs. */
    public Optional<List<HeldVault>> status() {
        return holding().map(Holding::vaults);
    }

    /** Makes the daemon forget every key; the number forgotten, or empty when no daemon runs. */
    public Optional<Integer> lock() {
        return ask(new Lock()).map(answer -> expect(answer, Done.class).count());
    }

    /** Makes the daemon forget every key and exit; the number forgotten, or empty when none ran. */
    public Optional<Integer> stop() {
        return ask(new Stop()).map(answer -> expect(answer, Done.class).count());
    }

    /**
     * Removes the socket of a daemon that does not answer (of another kimen version, or broken):
     * a daemon checks its socket every second and exits once it is gone.
     */
    public void abandonSocket() {
        try {
            Files.deleteIfExists(where.socket());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the daemon forget {@code vault} (after a rekey); a daemon that cannot be reached holds nothing to forget. */
    public void forget(Path vault) {
        quietly(new Forget(vault.toString()));
    }

    /** The keyring item the session holds (the caller closes it); empty when none, or no daemon answers. */
    public Optional<SecretBytes> item(String keyring, String name) {
        Optional<Message> answer = quietly(new Protocol.GetItem(keyring, name));
        if (answer.isPresent() && answer.get() instanceof Protocol.Item(byte[] value)) {
            return Optional.of(SecretBytes.adopt(value));
        }
        answer.ifPresent(Protocol::discard);
        return Optional.empty();
    }

    /** Has the session hold a keyring item just read (it does only while it holds a vault key). */
    public void holdItem(String keyring, String name, SecretBytes value) {
        quietly(new Protocol.PutItem(keyring, name, value.reveal()));
    }

    /** Makes the session forget a keyring item a command changed or removed. */
    public void forgetItem(String keyring, String name) {
        quietly(new Protocol.ForgetItem(keyring, name));
    }

    /** A request whose failure changes nothing for the command: a daemon that cannot answer holds nothing. */
    private Optional<Message> quietly(Message request) {
        try {
            return ask(request);
        } catch (KimenException e) {
            return Optional.empty();
        } finally {
            Protocol.discard(request); // a value sent: zeroed
        }
    }

    /** Whether a daemon answers on the socket now. */
    boolean answers() {
        try {
            return ask(new Status()).isPresent();
        } catch (KimenException e) {
            return false;
        }
    }

    /** One request and its answer; empty when nothing listens on the socket. */
    private Optional<Message> ask(Message request) {
        Connection connection;
        try {
            connection = Connection.open(where.socket(), useNative);
        } catch (IOException e) {
            return Optional.empty(); // no socket, or one no process listens on
        }
        try (connection; var deadline = new Deadline(connection::wake, ANSWER_LIMIT)) {
            if (!connection.peerIsSameUser()) {
                throw KimenException.of(Reason.SESSION_REFUSED, "the process listening on " + where.socket()
                                + " runs as another user; kimen will not talk to it",
                        "check " + SessionDir.ENV + " and who owns " + where.dir());
            }
            Protocol.write(connection, request);
            return Optional.of(Protocol.read(connection));
        } catch (EOFException e) {
            throw failed("the session daemon at " + where.socket() + " closed the connection without answering");
        } catch (ProtocolException e) {
            throw failed("the session daemon at " + where.socket() + " answered in a way kimen cannot read: " + e.getMessage());
        } catch (IOException e) {
            throw failed("talking to the session daemon at " + where.socket() + " failed: " + e.getMessage());
        }
    }

    private static <T extends Message> T expect(Message answer, Class<T> type) {
        if (type.isInstance(answer)) {
            return type.cast(answer);
        }
        Protocol.discard(answer);
        throw failed(answer instanceof Failed(String message) ? "the session daemon refused: " + message
                : "the session daemon gave an unexpected answer");
    }

    private static KimenException failed(String message) {
        return KimenException.of(Reason.SESSION_FAILED, message,
                "kimen session stop removes its socket, which ends it; then start again");
    }
}
