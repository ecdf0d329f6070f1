package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything every bin/kimen run of one test class printed (and every terminal screen it showed),
 * the argv of every process while the class ran ({@link ArgvWatch}), and the files runs left.
 * Registered with {@code @RegisterExtension}: before the class it makes sure the jar is built (so
 * no run pays for, or prints, a build); after the class it fails if {@link Canary#VALUE} showed
 * anywhere but the stdout of {@code secret get} of the canary's name, or a passphrase the class
 * declared with {@link #forbidding} showed anywhere at all. After each test it fails if a file
 * under a home the test's runs used, or a {@code kimen-*} files dir the test's runs left in the
 * temp dir, holds either (files the test wrote with them on purpose are declared with {@link #keeps}).
 */
final class OutputLog implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));
    /** How FilesDir names a run's files dir in the temp dir ({@code createTempDirectory(base, "kimen-")}). */
    private static final java.util.regex.Pattern FILES_DIR = java.util.regex.Pattern.compile("kimen-[0-9]+");
    private static boolean built;

    private record Entry(List<String> args, String stream, byte[] data) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<String> forbidden = new ArrayList<>();
    private final Set<Path> homes = ConcurrentHashMap.newKeySet();
    private final Set<Path> kept = ConcurrentHashMap.newKeySet();
    private Set<Path> tempBefore = Set.of();
    private ArgvWatch argv;

    /** Also fail when any of {@code secrets} (passphrases) shows in any output at all. */
    OutputLog forbidding(String... secrets) {
        forbidden.addAll(List.of(secrets));
        return this;
    }

    /** A home runs use: scanned for files holding a secret after the test. */
    void watch(Path home) {
        homes.add(home.toAbsolutePath().normalize());
    }

    /** A file the test itself wrote with a secret in it (a fixture, an export it asked for). */
    Path keeps(Path file) {
        kept.add(file.toAbsolutePath().normalize());
        return file;
    }

    /** Records one run's two streams. */
    void add(List<String> args, byte[] stdout, String stderr) {
        synchronized (entries) {
            entries.add(new Entry(args, "stdout", stdout));
            entries.add(new Entry(args, "stderr", stderr.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Records what a terminal showed while {@code args} ran in it. */
    void addScreen(List<String> args, String screen) {
        synchronized (entries) {
            entries.add(new Entry(args, "terminal", screen.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Each stream that shows the canary where it must not, or a forbidden string anywhere, as "args (stream)". */
    List<String> leaks() {
        synchronized (entries) {
            return entries.stream()
                    .filter(e -> Canary.showsIn(e.data()) && !isGetOfCanary(e) || showsForbidden(e))
                    .map(e -> "kimen " + e.args() + " (" + e.stream() + ")")
                    .toList();
        }
    }

    /** How many streams show the canary where it belongs: proves the check can see it at all. */
    long allowedSightings() {
        synchronized (entries) {
            return entries.stream().filter(e -> isGetOfCanary(e) && Canary.showsIn(e.data())).count();
        }
    }

    /** The one stream where the canary belongs. */
    private static boolean isGetOfCanary(Entry e) {
        return e.stream().equals("stdout") && Canary.isGetOfCanary(e.args());
    }

    private boolean showsForbidden(Entry e) {
        String text = new String(e.data(), StandardCharsets.UTF_8);
        return forbidden.stream().anyMatch(text::contains);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        var secrets = new ArrayList<>(List.of(Canary.VALUE));
        secrets.addAll(forbidden);
        argv = ArgvWatch.start(secrets);
        synchronized (OutputLog.class) {
            if (built) {
                return;
            }
            // bin/kimen builds the jar when sources are newer; do it once here, not inside a timed or checked run.
            Path home = Files.createTempDirectory("kimen-e2e-build");
            try {
                Kimen.in(home, this).run("--version").ok();
                built = true;
            } finally {
                deleteTree(home);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        tempBefore = filesDirs();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> left = leftBehind();
        homes.clear();
        kept.clear();
        assertEquals(List.of(), left, "a file left behind holds a secret (the canary value or a passphrase)");
    }

    /** The files holding a secret under the homes runs used and in files dirs made since the test began. */
    List<String> leftBehind() {
        var scanned = new ArrayList<Path>(homes);
        filesDirs().stream().filter(dir -> !tempBefore.contains(dir)).forEach(scanned::add);
        return scanned.stream().flatMap(root -> filesHoldingSecrets(root).stream()).sorted().toList();
    }

    /** Files under {@code root} that hold a secret, but for the runs' recorded outputs and files the test keeps. */
    private List<String> filesHoldingSecrets(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> Files.isRegularFile(f) && !f.startsWith(root.resolve(Kimen.IO_DIR))
                            && !kept.contains(f.toAbsolutePath().normalize()) && holdsSecret(f))
                    .map(Path::toString).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // the test removed it meanwhile
        }
    }

    private boolean holdsSecret(Path file) {
        try {
            byte[] data = Files.readAllBytes(file);
            return Canary.showsIn(data) || showsForbidden(new Entry(List.of(), "file", data));
        } catch (IOException e) {
            return false; // unreadable (a socket, a file removed meanwhile)
        }
    }

    /** The {@code kimen-*} files dirs in the temp dir now. */
    private static Set<Path> filesDirs() {
        try (Stream<Path> dirs = Files.list(TEMP)) {
            return dirs.filter(d -> FILES_DIR.matcher(d.getFileName().toString()).matches() && Files.isDirectory(d))
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        argv.close();
        assertEquals(List.of(), leaks(), "a secret (the canary value or a passphrase) leaked into these outputs");
        assertEquals(List.of(), argvLeaks(), "a secret (the canary value or a passphrase) showed in a process's argv");
    }

    /**
     * The argvs that held a secret, except the launcher's and the JVM's of a run whose own command
     * line a test gave the secret on purpose (CanaryE2ETest's {@code secret set --value}).
     */
    List<String> argvLeaks() {
        var deliberate = new ArrayList<List<String>>();
        synchronized (entries) {
            for (Entry e : entries) {
                List<String> masked = argv.masked(e.args());
                if (!masked.equals(e.args())) {
                    deliberate.add(masked);
                }
            }
        }
        return argv.sightings().stream()
                .filter(seen -> deliberate.stream().noneMatch(args -> endsWith(seen, args)))
                .map(seen -> String.join(" ", seen)).sorted().toList();
    }

    private static boolean endsWith(List<String> argv, List<String> tail) {
        return argv.size() >= tail.size() && argv.subList(argv.size() - tail.size(), argv.size()).equals(tail);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
