package dev.kimen.keyring;

import dev.kimen.KimenException;
import dev.kimen.crypto.SecretBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.errors.ServiceUnknown;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/**
 * The freedesktop Secret Service (gnome-keyring, KeePassXC, KWallet's bridge) over D-Bus, with
 * dbus-java. Only the calls kimen needs are declared here (the spec's interfaces, by hand: no
 * library ships them for dbus-java 5). Items carry the attributes {@code application=dev.kimen}
 * and {@code name=<name>}; the session is "plain" (the bus is local and per user).
 *
 * <p>Never a hang, never a prompt: a locked collection or item is reported as
 * {@code keyring_unavailable} rather than unlocked through a prompt that may never show on a
 * headless machine, and every call has a deadline.
 */
final class SecretServiceKeyring implements Keyring {
    private static final String BUS = "org.freedesktop.secrets";
    private static final String APPLICATION = "dev.kimen";
    private static final long DEADLINE_SECONDS = 5;

    private final DBusConnection connection;
    private final Service service;
    private final DBusPath session;
    /** The default collection, where items are stored: found (and checked unlocked) at connect. */
    private final DBusPath collection;

    private SecretServiceKeyring(DBusConnection connection, Service service, DBusPath session, DBusPath collection) {
        this.connection = connection;
        this.service = service;
        this.session = session;
        this.collection = collection;
    }

    static SecretServiceKeyring connect(Map<String, String> env) {
        String address = env.get("DBUS_SESSION_BUS_ADDRESS");
        if (address == null || address.isBlank()) {
            throw Keyrings.unavailable("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
        }
        java.util.regex.Matcher path = java.util.regex.Pattern.compile("unix:path=([^,;]+)").matcher(address);
        if (path.lookingAt() && !java.nio.file.Files.exists(java.nio.file.Path.of(path.group(1)))) {
            throw Keyrings.unavailable("the D-Bus session bus is gone (" + path.group(1) + " does not exist)");
        }
        return within("connect to the Secret Service", () -> {
            DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build();
            try {
                Service s = c.getRemoteObject(BUS, "/org/freedesktop/secrets", Service.class);
                Opened opened;
                try {
                    opened = s.OpenSession("plain", new Variant<>(""));
                } catch (ServiceUnknown e) {
                    throw Keyrings.unavailable("no Secret Service on the D-Bus session bus (nothing provides " + BUS + ")");
                }
                return new SecretServiceKeyring(c, s, opened.result, unlockedDefaultCollection(c, s));
            } catch (RuntimeException | DBusException e) {
                c.close();
                throw e;
            }
        });
    }

    /**
     * Every command meets the same keyring: one with an unlocked default collection (where items are
     * stored). Without this, a read of a missing name in a locked or absent collection looked like
     * "not there" while a write failed; now all of them fail alike, saying why.
     */
    private static DBusPath unlockedDefaultCollection(DBusConnection c, Service s) throws DBusException {
        DBusPath collection = s.ReadAlias("default");
        if (collection.getPath().equals("/")) {
            throw Keyrings.unavailable("the Secret Service has no default collection (no login keyring: create one"
                    + " with the desktop's keyring tool, or start gnome-keyring-daemon with --unlock)");
        }
        Boolean locked = c.getRemoteObject(BUS, collection.getPath(), org.freedesktop.dbus.interfaces.Properties.class)
                .Get("org.freedesktop.Secret.Collection", "Locked");
        if (Boolean.TRUE.equals(locked)) {
            throw locked();
        }
        return collection;
    }

    @Override
    public Optional<SecretBytes> get(String name) {
        return within("read " + name, () -> {
            DBusPath item = find(name);
            if (item == null) {
                return Optional.empty();
            }
            Secret secret = remote(item, Item.class).GetSecret(session);
            return Optional.of(SecretBytes.adopt(secret.value));
        });
    }

    @Override
    public boolean contains(String name) {
        return within("look up " + name, () -> find(name) != null);
    }

    @Override
    public void set(String name, SecretBytes value) {
        within("store " + name, () -> {
            var properties = new HashMap<String, Variant<?>>();
            properties.put("org.freedesktop.Secret.Item.Label", new Variant<>("kimen: " + name));
            properties.put("org.freedesktop.Secret.Item.Attributes", new Variant<>(attributes(name), "a{ss}"));
            byte[] bytes = value.reveal();
            try {
                Created created = remote(collection, Collection.class).CreateItem(properties,
                        new Secret(session, new byte[0], bytes, "application/octet-stream"), true);
                if (!created.prompt.getPath().equals("/")) {
                    throw locked();
                }
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
            return null;
        });
    }

    @Override
    public boolean remove(String name) {
        return within("remove " + name, () -> {
            DBusPath item = find(name);
            if (item == null) {
                return false;
            }
            if (!remote(item, Item.class).Delete().getPath().equals("/")) {
                throw locked();
            }
            return true;
        });
    }

    @Override
    public List<String> names() {
        return within("list", () -> {
            Found found = service.SearchItems(Map.of("application", APPLICATION));
            if (!found.locked.isEmpty()) {
                throw locked();
            }
            var names = new ArrayList<String>();
            for (DBusPath item : found.unlocked) {
                Map<String, String> attrs = connection.getRemoteObject(BUS, item.getPath(),
                        org.freedesktop.dbus.interfaces.Properties.class).Get("org.freedesktop.Secret.Item", "Attributes");
                names.add(attrs.get("name"));
            }
            return names.stream().sorted().toList();
        });
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException ignored) {
            // nothing to keep: the connection is ours alone
        }
    }

    private DBusPath find(String name) {
        Found found = service.SearchItems(attributes(name));
        if (found.unlocked.isEmpty() && !found.locked.isEmpty()) {
            throw locked();
        }
        return found.unlocked.isEmpty() ? null : found.unlocked.getFirst();
    }

    private <T extends DBusInterface> T remote(DBusPath path, Class<T> type) throws DBusException {
        return connection.getRemoteObject(BUS, path.getPath(), type);
    }

    private static Map<String, String> attributes(String name) {
        return Map.of("application", APPLICATION, "name", name);
    }

    private static KimenException locked() {
        return Keyrings.unavailable("the keyring is locked; unlock it (log in to the desktop, or"
                + " gnome-keyring-daemon --unlock) and try again");
    }

    /** Runs {@code call} with a deadline, turning D-Bus failures into {@code keyring_unavailable}. */
    private static <T> T within(String what, Callable<T> call) {
        // A plain thread, not an executor: closing an executor would wait for a call that hangs.
        var result = new CompletableFuture<T>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw Keyrings.unavailable("the Secret Service did not answer within " + DEADLINE_SECONDS + " s (" + what + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KimenException k) {
                throw k;
            }
            String why = e.getCause() instanceof DBusException || e.getCause() instanceof DBusExecutionException
                    ? e.getCause().getMessage() : e.getCause().toString();
            throw Keyrings.unavailable("cannot " + what + ": " + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Keyrings.unavailable("interrupted");
        }
    }

    // The Secret Service API (https://specifications.freedesktop.org/secret-service/), as far as used.

    public static final class Secret extends Struct {
        @Position(0) public final DBusPath session;
        @Position(1) public final byte[] parameters;
        @Position(2) public final byte[] value;
        @Position(3) public final String contentType;

        public Secret(DBusPath session, byte[] parameters, byte[] value, String contentType) {
            this.session = session;
            this.parameters = parameters;
            this.value = value;
            this.contentType = contentType;
        }
    }

    public static final class Opened extends Tuple {
        @Position(0) public final Variant<?> output;
        @Position(1) public final DBusPath result;

        public Opened(Variant<?> output, DBusPath result) {
            this.output = output;
            this.result = result;
        }
    }

    public static final class Found extends Tuple {
        @Position(0) public final List<DBusPath> unlocked;
        @Position(1) public final List<DBusPath> locked;

        public Found(List<DBusPath> unlocked, List<DBusPath> locked) {
            this.unlocked = unlocked;
            this.locked = locked;
        }
    }

    public static final class Created extends Tuple {
        @Position(0) public final DBusPath item;
        @Position(1) public final DBusPath prompt;

        public Created(DBusPath item, DBusPath prompt) {
            this.item = item;
            this.prompt = prompt;
        }
    }

    @DBusInterfaceName("org.freedesktop.Secret.Service")
    public interface Service extends DBusInterface {
        Opened OpenSession(String algorithm, Variant<?> input);

        Found SearchItems(Map<String, String> attributes);

        DBusPath ReadAlias(String name);
    }

    @DBusInterfaceName("org.freedesktop.Secret.Collection")
    public interface Collection extends DBusInterface {
        Created CreateItem(Map<String, Variant<?>> properties, Secret secret, boolean replace);
    }

    @DBusInterfaceName("org.freedesktop.Secret.Item")
    public interface Item extends DBusInterface {
        Secret GetSecret(DBusPath session);

        DBusPath Delete();
    }
}
