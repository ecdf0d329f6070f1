package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Secret Service for one test: a private D-Bus session bus ({@code dbus-daemon --session})
 * and gnome-keyring-daemon on it, unlocked with a throwaway password, its keyrings under a private
 * HOME. Closing it stops the bus, and gnome-keyring with it.
 */
final class SecretServiceBus implements AutoCloseable {
    private final Process bus;
    private final String address;
    private final Map<String, String> env;

    private SecretServiceBus(Process bus, String address, Map<String, String> env) {
        this.bus = bus;
        this.address = address;
        this.env = env;
    }

    /** Starts the bus and an unlocked keyring for the user whose HOME is {@code home}. */
    static SecretServiceBus start(Path home) throws IOException, InterruptedException {
        SecretServiceBus daemon = bus(home, List.of("dbus-daemon", "--session"));
        Process keyring = daemon.command(List.of("gnome-keyring-daemon", "--unlock", "--components=secrets"));
        try (var in = keyring.getOutputStream()) {
            in.write("throwaway keyring password".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, daemon.finish(keyring), "gnome-keyring-daemon --unlock");
        return daemon;
    }

    /**
     * A Secret Service with no default collection: gnome-keyring started without {@code --unlock}
     * for a user ({@code home}) who has no login keyring, as on a fresh headless box.
     */
    static SecretServiceBus withoutDefaultCollection(Path home) throws IOException, InterruptedException {
        SecretServiceBus daemon = bus(home, List.of("dbus-daemon", "--session"));
        Process keyring = daemon.command(List.of("gnome-keyring-daemon", "--start", "--components=secrets"));
        keyring.getOutputStream().close();
        assertEquals(0, daemon.finish(keyring), "gnome-keyring-daemon --start");
        return daemon;
    }

    /**
     * A session bus with no Secret Service on it, and none it could start: its configuration names
     * no service directory, so asking for org.freedesktop.secrets cannot activate gnome-keyring.
     */
    static SecretServiceBus withoutSecretService(Path home) throws IOException, InterruptedException {
        Path config = home.resolve("bare-bus.conf");
        Files.createDirectories(home);
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>unix:tmpdir=/tmp</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """);
        return bus(home, List.of("dbus-daemon", "--config-file=" + config));
    }

    private static SecretServiceBus bus(Path home, List<String> daemon) throws IOException {
        Path runtime = home.resolve(".run");
        if (!Files.isDirectory(runtime)) {
            Files.createDirectories(runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        var argv = new ArrayList<>(daemon);
        argv.addAll(List.of("--nofork", "--print-address=1"));
        var pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process bus = pb.start();
        String address = new BufferedReader(new InputStreamReader(bus.getInputStream(), StandardCharsets.UTF_8)).readLine();
        var env = Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString(),
                "DBUS_SESSION_BUS_ADDRESS", address);
        return new SecretServiceBus(bus, address, env);
    }

    /** What a process needs to reach this Secret Service. */
    String address() {
        return address;
    }

    /** {@code secret-tool lookup application dev.kimen name <name>}: what the Secret Service itself holds. */
    String lookup(String name) throws IOException, InterruptedException {
        Process p = command(List.of("secret-tool", "lookup", "application", "dev.kimen", "name", name));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return finish(p) == 0 ? out : null;
    }

    /** Locks the login collection, as a screen lock or logout would. */
    void lockAll() throws IOException, InterruptedException {
        Process p = command(List.of("dbus-send", "--session", "--dest=org.freedesktop.secrets", "--print-reply",
                "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login"));
        p.getOutputStream().close();
        assertEquals(0, finish(p), "dbus-send Lock");
    }

    private Process command(List<String> argv) throws IOException {
        var pb = new ProcessBuilder(new ArrayList<>(argv)).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        return pb.start();
    }

    private int finish(Process p) throws InterruptedException {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(p.info().command().orElse("?") + " did not finish");
        }
        return p.exitValue();
    }

    @Override
    public void close() {
        bus.destroy();
        try {
            bus.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
